// Multi-threaded training end to end: each thread takes a slice of the batch, the gradients are
// reduced, the optimizer update is split between the threads and the weights synced back. Two
// runs with 2 threads must be byte-identical, and 2 threads must agree with 1 thread up to float
// rounding (the reduction adds the same terms in another order).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "cli_runner.hpp"
#include "idx_writer.hpp"
#include "train/checkpoint.hpp"

using namespace cnn;
using namespace cnn::test;

namespace {

// A conv, a pool and two dense layers, so that every kind of parameter gradient is reduced.
std::string threads_config(const std::string& data_dir, const std::string& optimizer) {
  return "data: {dir: " + data_dir + ", validation: 100}\n"
         "model:\n"
         "  input: [1, 28, 28]\n"
         "  layers:\n"
         "    - conv: {filters: 4, kernel: 5, padding: same, activation: relu}\n"
         "    - pool: {type: max, size: 2}\n"
         "    - flatten\n"
         "    - dense: {units: 16, activation: relu}\n"
         "    - dense: {units: 10}\n"
         "    - softmax\n"
         "train:\n"
         "  epochs: 1\n"
         "  batch_size: 32\n"
         "  optimizer: " + optimizer + "\n"
         "  seed: 11\n";
}

struct Workspace {
  ScratchDir dir{"threads"};
  std::string data = dir.file("data");
  std::string env = "XDG_STATE_HOME='" + dir.file("state") + "' ";
  Workspace() {
    std::filesystem::create_directories(data);
    write_synthetic_mnist(data, 420, 50, true);  // 320 training images: 10 steps of 32
  }
  // Trains with `config_text` on `threads` threads into a fresh run folder `out`; returns its model.
  std::string train(const std::string& config_text, int threads, const std::string& out) const {
    const std::string config = dir.file(out + ".cfg");
    write_text(config, config_text);
    const auto r = run_shell(env + "OPENBLAS_NUM_THREADS=1 '" + CNN_EXE + "' train --config " + config + " --threads " +
                             std::to_string(threads) + " --out " + dir.file(out));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return dir.file(out + "/model.bin");
  }
};

// Every parameter of the two models agrees to |a - b| <= rel * max(|a|, |b|) + abs. (Measured on
// the development machine: the largest share of the tolerance used was 0.005 with SGD and
// Nesterov, 0.024 with Adam.)
void require_close_models(const std::string& a_path, const std::string& b_path, double rel, double abs) {
  const LoadedModel a = load_model(a_path), b = load_model(b_path);
  REQUIRE(a.net->params().size() == b.net->params().size());
  for (std::size_t k = 0; k < a.net->params().size(); ++k) {
    const Tensor& x = *a.net->params()[k].value;
    const Tensor& y = *b.net->params()[k].value;
    REQUIRE(x.shape() == y.shape());
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double d = std::abs(static_cast<double>(x[i]) - y[i]);
      const double scale = std::max(std::abs(static_cast<double>(x[i])), std::abs(static_cast<double>(y[i])));
      INFO(a.net->params()[k].name << "[" << i << "]: " << x[i] << " vs " << y[i]);
      REQUIRE(d <= rel * scale + abs);
    }
  }
}

}  // namespace

TEST_CASE("two training runs on 2 threads are byte-identical", "[e2e][threads]") {
  Workspace w;
  const std::string config = threads_config(w.data, "{type: adam, lr: 0.003}");
  const std::string a = w.train(config, 2, "a");
  const std::string b = w.train(config, 2, "b");
  CHECK(model_tensors(a) == model_tensors(b));  // the headers differ only in the recorded run folder
  CHECK(model_tensors(w.dir.file("a/best.bin")) == model_tensors(w.dir.file("b/best.bin")));
}

TEST_CASE("2 threads agree with 1 thread up to float rounding", "[e2e][threads]") {
  Workspace w;
  // Plain SGD keeps a rounding difference in the gradient the size it is; momentum carries it
  // along; Adam divides by sqrt(v), which magnifies it where a gradient is near zero, so a few
  // steps only (10 here) and a looser bound.
  struct Case {
    std::string optimizer;
    double rel, abs;
  };
  for (const Case& c : {Case{"{type: sgd, lr: 0.05}", 1e-4, 1e-6}, Case{"{type: nesterov, lr: 0.02, momentum: 0.9}", 1e-4, 1e-6},
                        Case{"{type: adam, lr: 0.001}", 1e-4, 1e-5}}) {
    INFO(c.optimizer);
    const std::string config = threads_config(w.data, c.optimizer);
    static int run = 0;  // a fresh run folder for each training
    const std::string one = w.train(config, 1, "one-" + std::to_string(run));
    const std::string two = w.train(config, 2, "two-" + std::to_string(run++));
    require_close_models(one, two, c.rel, c.abs);
  }
}
