// Per-layer time of one training step, on one thread: where a step's time goes, layer by layer,
// with little of the machine's noise. Each layer's forward and backward is timed separately over
// many steps on the same batch and the minimum is kept (noise only ever adds time), so two builds
// compare to about 1 %, where whole training epochs on this machine differ by 25 % run to run.
//
//   cmake --build build --target layer_timing
//   ./build/layer_timing [--config configs/lenet5.cfg] [--batch 16] [--steps 400]
//
// The default batch of 16 is what each of two threads runs at the reference batch size of 32.
// Data are synthetic (the timing of these layers does not depend on the values' meaning).
// A conv layer that Net fuses with the 2x2 max pool after it is timed with it, as one row
// ("conv1+pool1"); --unfused times them one by one, as Net ran them before the fusion. --infer
// times inference's forward passes instead of a training step (no backward column).
#include <algorithm>
#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "core/float_mode.hpp"
#include "core/rng.hpp"
#include "config/config.hpp"
#include "net/builder.hpp"
#include "ops/blas.hpp"
#include "net/initializer.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

int main(int argc, char** argv) {
  cnn::enable_flush_to_zero();  // as the cnn executable does
  std::string config_path = "configs/lenet5.cfg";
  int batch = 16, steps = 400;
  CLI::App app{"Per-layer forward and backward time of one training step, one thread (minimum over steps)"};
  app.add_option("--config", config_path, "run config whose model is timed")->check(CLI::ExistingFile);
  app.add_option("--batch", batch, "images per step")->check(CLI::Range(1, 4096));
  app.add_option("--steps", steps, "steps to take the minimum over")->check(CLI::Range(1, 1000000));
  bool unfused = false, infer = false;
  app.add_flag("--unfused", unfused, "time conv and the max pool after it one by one, not fused as Net runs them");
  app.add_flag("--infer", infer, "time inference's forward passes (Mode::kInfer), not a training step");
  CLI11_PARSE(app, argc, argv);

  cnn::set_blas_threads(1);
  const cnn::RunConfig config = cnn::load_config(config_path);
  std::unique_ptr<cnn::Net> net = cnn::build_net(config.model);
  cnn::Rng rng(1);
  cnn::initialize(net->params(), config.model.init, rng);
  net->set_input_gradient(false);  // as in training
  if (!net->is_chain()) {
    // The rows below run each layer on the one before's output; a graph's layers read others.
    fmt::print(stderr, "layer_timing: {} is a graph (a layer reads another than the one before); it times chains only\n",
               config_path);
    return 2;
  }

  const cnn::Mode mode = infer ? cnn::Mode::kInfer : cnn::Mode::kTrain;
  cnn::Tensor x(net->input_shape().with_batch(batch));
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform();
  cnn::Tensor dlogits(net->output_shape().with_batch(batch));
  for (std::size_t i = 0; i < dlogits.size(); ++i) dlogits[i] = (rng.uniform() - 0.5f) * 0.1f;

  // The rows: a layer alone, or a layer with the pool it absorbs, found as Net::forward finds
  // them (the layer's fused forward answers) in a first pass.
  struct Row {
    std::size_t layer;
    bool fused;
    std::string name;
  };
  std::vector<Row> rows;
  {
    const cnn::Tensor* h = &x;
    for (std::size_t i = 0; i < net->layer_count(); ++i) {
      const bool pool_next = !unfused && i + 1 < net->layer_count() && net->layer(i + 1).is_max_pool_2x2();
      if (const cnn::Tensor* pooled = pool_next ? net->layer(i).forward_max_pooled_2x2(*h, mode) : nullptr) {
        rows.push_back({i, true, net->layer_name(i) + "+" + net->layer_name(i + 1)});
        h = pooled;
        ++i;
      } else {
        rows.push_back({i, false, net->layer_name(i)});
        h = &net->layer(i).forward(*h, mode);
      }
    }
  }

  constexpr double kNever = std::numeric_limits<double>::infinity();
  std::vector<double> forward(rows.size(), kNever), backward(rows.size(), infer ? 0.0 : kNever);
  double zero_grad = infer ? 0.0 : kNever;
  for (int step = 0; step < steps; ++step) {
    auto start = Clock::now();
    if (!infer) {
      net->zero_grad();
      zero_grad = std::min(zero_grad, seconds_since(start));
    }
    const cnn::Tensor* h = &x;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      cnn::Layer& layer = net->layer(rows[r].layer);
      start = Clock::now();
      h = rows[r].fused ? layer.forward_max_pooled_2x2(*h, mode) : &layer.forward(*h, mode);
      forward[r] = std::min(forward[r], seconds_since(start));
    }
    if (infer) continue;
    const cnn::Tensor* gradient = &dlogits;
    for (std::size_t r = rows.size(); r-- > 0;) {
      cnn::Layer& layer = net->layer(rows[r].layer);
      start = Clock::now();
      gradient = rows[r].fused ? &layer.backward_max_pooled_2x2(*gradient) : &layer.backward(*gradient);
      backward[r] = std::min(backward[r], seconds_since(start));
    }
  }

  double total = zero_grad;
  for (std::size_t r = 0; r < rows.size(); ++r) total += forward[r] + backward[r];
  fmt::print("{:<12} {:>10} {:>12} {:>10}   (microseconds per image; minimum over {} steps of {})\n", "layer", "forward",
             infer ? "" : "backward", "share", steps, batch);
  const double per_image = 1e6 / batch;
  for (std::size_t r = 0; r < rows.size(); ++r)
    fmt::print("{:<12} {:>10.2f} {:>12} {:>9.1f}%\n", rows[r].name, forward[r] * per_image,
               infer ? "" : fmt::format("{:.2f}", backward[r] * per_image), 100.0 * (forward[r] + backward[r]) / total);
  if (!infer)
    fmt::print("{:<12} {:>10.2f} {:>12} {:>9.1f}%\n", "zero_grad", zero_grad * per_image, "", 100.0 * zero_grad / total);
  fmt::print("{:<12} {:>10.2f} us per image, one thread: {:.0f} images/s {}\n", "total", total * per_image, batch / total,
             infer ? "of inference before the data and the softmax" : "before the optimizer and data");
  return 0;
}
