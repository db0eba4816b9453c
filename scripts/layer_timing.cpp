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
  CLI11_PARSE(app, argc, argv);

  cnn::set_blas_threads(1);
  const cnn::RunConfig config = cnn::load_config(config_path);
  std::unique_ptr<cnn::Net> net = cnn::build_net(config.model);
  cnn::Rng rng(1);
  cnn::initialize(net->params(), config.model.init, rng);
  net->set_input_gradient(false);  // as in training

  cnn::Tensor x(net->input_shape().with_batch(batch));
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform();
  cnn::Tensor dlogits(net->output_shape().with_batch(batch));
  for (std::size_t i = 0; i < dlogits.size(); ++i) dlogits[i] = (rng.uniform() - 0.5f) * 0.1f;

  const std::size_t layers = net->layer_count();
  constexpr double kNever = std::numeric_limits<double>::infinity();
  std::vector<double> forward(layers, kNever), backward(layers, kNever);
  double zero_grad = kNever;
  std::vector<const cnn::Tensor*> outputs(layers + 1);
  outputs[0] = &x;
  for (int step = 0; step < steps; ++step) {
    auto start = Clock::now();
    net->zero_grad();
    zero_grad = std::min(zero_grad, seconds_since(start));
    for (std::size_t i = 0; i < layers; ++i) {
      start = Clock::now();
      outputs[i + 1] = &net->layer(i).forward(*outputs[i], cnn::Mode::kTrain);
      forward[i] = std::min(forward[i], seconds_since(start));
    }
    const cnn::Tensor* gradient = &dlogits;
    for (std::size_t i = layers; i-- > 0;) {
      start = Clock::now();
      gradient = &net->layer(i).backward(*gradient);
      backward[i] = std::min(backward[i], seconds_since(start));
    }
  }

  double total = zero_grad;
  for (std::size_t i = 0; i < layers; ++i) total += forward[i] + backward[i];
  fmt::print("{:<10} {:>12} {:>12} {:>10}   (microseconds per image; minimum over {} steps of {})\n", "layer", "forward",
             "backward", "share", steps, batch);
  const double per_image = 1e6 / batch;
  for (std::size_t i = 0; i < layers; ++i)
    fmt::print("{:<10} {:>12.2f} {:>12.2f} {:>9.1f}%\n", net->layer_name(i), forward[i] * per_image, backward[i] * per_image,
               100.0 * (forward[i] + backward[i]) / total);
  fmt::print("{:<10} {:>12.2f} {:>12} {:>9.1f}%\n", "zero_grad", zero_grad * per_image, "", 100.0 * zero_grad / total);
  fmt::print("{:<10} {:>12.2f} us per image, one thread: {:.0f} images/s before the optimizer and data\n", "total",
             total * per_image, batch / total);
  return 0;
}
