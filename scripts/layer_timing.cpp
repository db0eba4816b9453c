// Per-layer time of one training step, on one thread: where a step's time goes, layer by layer,
// with little of the machine's noise. The Net runs its passes as in training (graphs included:
// residual adds, gradient sums, shared buffers) and reports where each layer's part ends
// (Net::set_pass_observer); each layer's forward and backward is timed over many steps on the same
// batch and the minimum is kept (noise only ever adds time), so two builds compare to about 1 %,
// where whole training epochs on this machine differ by 25 % run to run.
//
//   cmake --build build --target layer_timing
//   ./build/layer_timing [--config configs/lenet5.cfg] [--batch 16] [--steps 400] [--infer]
//
// The default batch of 16 is what each of two threads runs at the reference batch size of 32.
// Data are synthetic (the timing of these layers does not depend on the values' meaning).
// A conv layer that Net fuses with the 2x2 max pool after it is timed with it, as one row
// ("conv1+pool1"). --infer times inference's forward passes instead of a training step (no
// backward column). A layer's time includes the Net's work around it (the sum of the gradients of
// a layer read by several is in the row of the layer whose gradient arrives last).
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

// Keeps, per layer and pass, the shortest time from the previous report to this layer's.
class MinimumTimes : public cnn::PassObserver {
 public:
  explicit MinimumTimes(std::size_t layers) : forward_(layers, kNever), backward_(layers, kNever) {}
  void pass_begins(bool /*backward*/) override { last_ = Clock::now(); }
  void layer_done(std::size_t i, bool backward) override {
    const Clock::time_point now = Clock::now();
    double& best = (backward ? backward_ : forward_)[i];
    best = std::min(best, std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }
  // Seconds; infinity for a layer the pass never reported (a pool run by the conv before it).
  double forward(std::size_t i) const { return forward_[i]; }
  double backward(std::size_t i) const { return backward_[i]; }

 private:
  static constexpr double kNever = std::numeric_limits<double>::infinity();
  std::vector<double> forward_, backward_;
  Clock::time_point last_;
};

}  // namespace

int main(int argc, char** argv) {
  cnn::enable_flush_to_zero();  // as the cnn executable does
  std::string config_path = "configs/lenet5.cfg";
  int batch = 16, steps = 400;
  CLI::App app{"Per-layer forward and backward time of one training step, one thread (minimum over steps)"};
  app.add_option("--config", config_path, "run config whose model is timed")->check(CLI::ExistingFile);
  app.add_option("--batch", batch, "images per step")->check(CLI::Range(1, 4096));
  app.add_option("--steps", steps, "steps to take the minimum over")->check(CLI::Range(1, 1000000));
  bool infer = false;
  app.add_flag("--infer", infer, "time inference's forward passes (Mode::kInfer), not a training step");
  CLI11_PARSE(app, argc, argv);

  cnn::set_blas_threads(1);
  const cnn::RunConfig config = cnn::load_config(config_path);
  std::unique_ptr<cnn::Net> net = cnn::build_net(config.model);
  cnn::Rng rng(1);
  cnn::initialize(net->params(), config.model.init, rng);
  net->set_input_gradient(false);  // as in training

  const cnn::Mode mode = infer ? cnn::Mode::kInfer : cnn::Mode::kTrain;
  cnn::Tensor x(net->input_shape().with_batch(batch));
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform();
  cnn::Tensor dlogits(net->output_shape().with_batch(batch));
  for (std::size_t i = 0; i < dlogits.size(); ++i) dlogits[i] = (rng.uniform() - 0.5f) * 0.1f;

  MinimumTimes times(net->layer_count());
  net->set_pass_observer(&times);
  double zero_grad = infer ? 0.0 : std::numeric_limits<double>::infinity();
  for (int step = 0; step < steps; ++step) {
    if (!infer) {
      const auto start = Clock::now();
      net->zero_grad();
      zero_grad = std::min(zero_grad, seconds_since(start));
    }
    net->forward(x, mode);
    if (!infer) net->backward(dlogits);
  }
  net->set_pass_observer(nullptr);

  // One row per layer the passes reported: a fused conv + pool is one row.
  struct Row {
    std::string name;
    double forward, backward;
  };
  std::vector<Row> rows;
  double total = zero_grad;
  for (std::size_t i = 0; i < net->layer_count(); ++i) {
    if (i > 0 && net->runs_pool_after(i - 1)) continue;  // timed with its conv
    const std::string name = net->runs_pool_after(i) ? net->layer_name(i) + "+" + net->layer_name(i + 1) : net->layer_name(i);
    rows.push_back({name, times.forward(i), infer ? 0.0 : times.backward(i)});
    total += rows.back().forward + rows.back().backward;
  }
  std::size_t width = 12;
  for (const Row& row : rows) width = std::max(width, row.name.size() + 1);
  fmt::print("{:<{}} {:>10} {:>12} {:>10}   (microseconds per image; minimum over {} steps of {})\n", "layer", width,
             "forward", infer ? "" : "backward", "share", steps, batch);
  const double per_image = 1e6 / batch;
  for (const Row& row : rows)
    fmt::print("{:<{}} {:>10.2f} {:>12} {:>9.1f}%\n", row.name, width, row.forward * per_image,
               infer ? "" : fmt::format("{:.2f}", row.backward * per_image), 100.0 * (row.forward + row.backward) / total);
  if (!infer)
    fmt::print("{:<{}} {:>10.2f} {:>12} {:>9.1f}%\n", "zero_grad", width, zero_grad * per_image, "", 100.0 * zero_grad / total);
  fmt::print("{:<{}} {:>10.2f} us per image, one thread: {:.0f} images/s {}\n", "total", width, total * per_image,
             batch / total, infer ? "of inference before the data and the softmax" : "before the optimizer and data");
  return 0;
}
