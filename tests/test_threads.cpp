// Multi-threaded training end to end: each thread takes a slice of the batch, the gradients are
// reduced, the optimizer update is split between the threads and the weights synced back. Two
// runs with 2 threads must be byte-identical, and 2 threads must agree with 1 thread up to float
// rounding (the reduction adds the same terms in another order).
#include <catch2/catch.hpp>

#include "e2e_workspace.hpp"

using namespace cnn::test;

namespace {

// 320 training images (and 100 for validation): 10 steps of 32.
const TinyData kData{420, 50};

// The tiny net with a second dense layer: a conv, a pool and two dense layers, so that every kind
// of parameter gradient is reduced.
TinyConfig threads_config(const E2eWorkspace& w, const std::string& optimizer) {
  return w.tiny_config().with_hidden_dense(16).with_epochs(1).with_optimizer(optimizer).with_seed(11);
}

}  // namespace

TEST_CASE("two training runs on 2 threads are byte-identical", "[e2e][threads]") {
  E2eWorkspace w("threads", kData);
  const TinyConfig config = threads_config(w, "{type: adam, lr: 0.003}");
  const std::string a = w.train(config, 2, "a");
  const std::string b = w.train(config, 2, "b");
  CHECK(model_tensors(a) == model_tensors(b));  // the headers differ only in the recorded run folder
  CHECK(model_tensors(w.dir.file("a/best.bin")) == model_tensors(w.dir.file("b/best.bin")));
}

TEST_CASE("2 threads agree with 1 thread up to float rounding", "[e2e][threads]") {
  E2eWorkspace w("threads", kData);
  // Plain SGD keeps a rounding difference in the gradient the size it is; momentum carries it
  // along; Adam divides by sqrt(v), which magnifies it where a gradient is near zero, so a few
  // steps only (10 here) and a looser bound. Every parameter of the two models must agree to
  // |a - b| <= rel * max(|a|, |b|) + abs. (Measured on the development machine: the largest share
  // of the tolerance used was 0.005 with SGD and Nesterov, 0.024 with Adam.)
  struct Case {
    std::string optimizer;
    double rel, abs;
  };
  for (const Case& c : {Case{"{type: sgd, lr: 0.05}", 1e-4, 1e-6}, Case{"{type: nesterov, lr: 0.02, momentum: 0.9}", 1e-4, 1e-6},
                        Case{"{type: adam, lr: 0.001}", 1e-4, 1e-5}}) {
    INFO(c.optimizer);
    const TinyConfig config = threads_config(w, c.optimizer);
    static int run = 0;  // a fresh run folder for each training
    const std::string one = w.train(config, 1, "one-" + std::to_string(run));
    const std::string two = w.train(config, 2, "two-" + std::to_string(run++));
    require_close_models(one, two, c.rel, c.abs);
  }
}
