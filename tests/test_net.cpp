// Tests of the sequential Net on LeNet-5: parameter count and names, output shape, whole-network
// gradient check, allocation-free steady state, and overfitting a small random set.
#include <catch2/catch.hpp>
#include <cstring>

#include "allocation_counter.hpp"
#include "gradcheck.hpp"
#include "layers/conv2d.hpp"
#include "net/builder.hpp"
#include "train/optimizer.hpp"
#include "runtime/softmax_cross_entropy.hpp"

using namespace cnn;

TEST_CASE("LeNet-5 has 61,706 parameters, named by layer, and outputs (N, 10)", "[net]") {
  auto net = build_net(lenet5_spec());
  CHECK(net->parameter_count() == 61706);
  CHECK(net->output_shape() == Shape{10});
  std::vector<std::string> names;
  for (const Param& p : net->params()) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "dense1.weight",
                                          "dense1.bias", "dense2.weight", "dense2.bias", "dense3.weight", "dense3.bias"});
  CHECK(net->params()[0].value->shape() == Shape{6, 1, 5, 5});
  CHECK(net->params()[4].value->shape() == Shape{120, 400});
  Rng rng(1);
  initialize(net->params(), Init::kHeNormal, rng);
  const Tensor x = test::random_tensor(Shape{3, 1, 28, 28}, rng, 0.0f, 1.0f);
  CHECK(net->forward(x, Mode::kInfer).shape() == Shape{3, 10});
  CHECK(net->summary().find("total parameters: 61706") != std::string::npos);
}

TEST_CASE("LeNet-5 plus loss passes a gradient check on a batch of 2", "[net][gradcheck]") {
  auto net = build_net(lenet5_spec());
  Rng rng(3);
  initialize(net->params(), Init::kHeNormal, rng);
  for (const Param& p : net->params())  // non-zero biases so no unit sits exactly at a kink
    if (p.fill == ParamFill::kZeros)
      for (std::size_t i = 0; i < p.value->size(); ++i) (*p.value)[i] = rng.uniform(-0.1f, 0.1f);
  const Tensor x = test::random_tensor(Shape{2, 1, 28, 28}, rng, 0.0f, 1.0f);
  const Label labels[] = {3, 8};
  test::check_net_gradients(*net, x, labels, rng, 40);
}

TEST_CASE("a training step on a fixed batch size allocates nothing once its buffers exist", "[net]") {
  if (!test::allocation_counting_available()) {
    WARN("allocation counting is off under AddressSanitizer (tests/allocation_counter.hpp)");
    return;
  }
  auto net = build_net(lenet5_spec());
  Rng rng(4);
  initialize(net->params(), Init::kHeNormal, rng);
  Optimizer opt(OptimizerConfig{}, net->params());
  SoftmaxCrossEntropy loss;
  const Tensor x = test::random_tensor(Shape{8, 1, 28, 28}, rng, 0.0f, 1.0f);
  const Label labels[] = {0, 1, 2, 3, 4, 5, 6, 7};
  auto step = [&] {
    net->zero_grad();
    loss.forward(net->forward(x, Mode::kTrain), labels);
    net->backward(loss.backward());
    opt.step(0.001f);
    net->forward(x, Mode::kInfer);
  };
  step();  // the first step allocates every buffer
  const std::uint64_t before = test::allocations_so_far();
  for (int i = 0; i < 3; ++i) step();
  CHECK(test::allocations_so_far() - before == 0);
  // The counter sees the allocations a step would make: one more image in the batch.
  const Tensor bigger = test::random_tensor(Shape{9, 1, 28, 28}, rng, 0.0f, 1.0f);
  const std::uint64_t grown = test::allocations_so_far();
  net->forward(bigger, Mode::kTrain);
  CHECK(test::allocations_so_far() > grown);
}

TEST_CASE("LeNet-5 overfits 64 random images with random labels", "[net][train]") {
  auto net = build_net(lenet5_spec());
  Rng rng(9);
  initialize(net->params(), Init::kHeNormal, rng);
  const Tensor x = test::random_tensor(Shape{64, 1, 28, 28}, rng, 0.0f, 1.0f);
  std::vector<Label> labels(64);
  for (auto& l : labels) l = static_cast<Label>(rng.uniform_int(10));
  Optimizer opt(OptimizerConfig{OptimizerType::kAdam, 0.002f}, net->params());
  SoftmaxCrossEntropy loss;
  int steps = 0;
  double l = 0;
  for (; steps < 400; ++steps) {
    net->zero_grad();
    l = loss.forward(net->forward(x, Mode::kTrain), labels.data());
    if (loss.correct() == 64) break;
    net->backward(loss.backward());
    opt.step(0.002f);
  }
  INFO("steps " << steps << " loss " << l);
  CHECK(loss.correct() == 64);
}

namespace {

// Networks where Net fuses conv and 2x2 max pool: LeNet-5, odd conv outputs (a pool that drops a
// row/column), few and many filters (both stride-1 methods), ReLU, none and tanh (not fused).
std::vector<ModelSpec> fusable_specs() {
  auto conv = [](int filters, int kernel, Padding padding, Activation act) {
    return LayerSpec{"conv", {{"filters", filters},
                              {"kernel", kernel},
                              {"padding", kPaddingNames.name(padding)},
                              {"activation", activation_name(act)}}};
  };
  const LayerSpec pool{"pool", {{"type", "max"}, {"size", 2}, {"stride", 2}}};
  const LayerSpec flatten{"flatten", nlohmann::json::object()};
  const LayerSpec dense{"dense", {{"units", 10}}};
  std::vector<ModelSpec> specs = {lenet5_spec()};
  specs.push_back({Shape{2, 15, 13}, {conv(5, 3, Padding::kValid, Activation::kRelu), pool, conv(12, 2, Padding::kSame, Activation::kNone), pool, flatten, dense}, Init::kHeNormal});
  specs.push_back({Shape{3, 9, 11}, {conv(16, 3, Padding::kSame, Activation::kTanh), pool, flatten, dense}, Init::kHeNormal});
  specs.push_back({Shape{1, 11, 12}, {conv(4, 3, Padding::kSame, Activation::kNone), pool, conv(9, 2, Padding::kValid, Activation::kRelu), pool, flatten, dense}, Init::kHeNormal});
  return specs;
}

// The network of `spec`, initialised from rng, with random biases (initializers zero them; the
// fused passes add them).
std::unique_ptr<Net> random_net(const ModelSpec& spec, Rng& rng) {
  auto net = build_net(spec);
  initialize(net->params(), Init::kHeNormal, rng);
  for (const Param& p : net->params())
    if (p.fill == ParamFill::kZeros)
      for (std::size_t i = 0; i < p.value->size(); ++i) (*p.value)[i] = rng.uniform(-0.5f, 0.5f);
  return net;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof(float)) == 0; }

}  // namespace

TEST_CASE("inference fuses conv and 2x2 max pool without changing a single output", "[net]") {
  // Each network is run in both modes on the same batch: logits must be bit-identical.
  Rng rng(31);
  for (const ModelSpec& spec : fusable_specs()) {
    auto net = random_net(spec, rng);
    const Tensor x = test::random_tensor(spec.input.with_batch(5), rng, -1.0f, 1.0f);
    const Tensor trained = net->forward(x, Mode::kTrain);
    const Tensor& inferred = net->forward(x, Mode::kInfer);
    INFO(net->summary());
    REQUIRE(inferred.shape() == trained.shape());
    for (std::size_t i = 0; i < trained.size(); ++i) REQUIRE(inferred[i] == trained[i]);
    // A training pass after an inference pass works as before.
    REQUIRE(net->forward(x, Mode::kTrain)[0] == trained[0]);
    net->backward(Tensor(trained.shape()));
  }
}

TEST_CASE("training fuses conv and 2x2 max pool without changing a single gradient", "[net]") {
  // Net::forward/backward in training (fused) against the same layers run one by one (each its
  // own forward and backward, never fused): logits, every parameter gradient and dL/dx bit for
  // bit.
  Rng rng(37);
  for (const ModelSpec& spec : fusable_specs()) {
    auto net = random_net(spec, rng);
    INFO(net->summary());
    net->set_input_gradient(true);
    const Tensor x = test::random_tensor(spec.input.with_batch(6), rng, -1.0f, 1.0f);
    net->zero_grad();
    const Tensor logits = net->forward(x, Mode::kTrain);
    const Tensor dlogits = test::random_tensor(logits.shape(), rng, -1.0f, 1.0f);
    const Tensor dx = net->backward(dlogits);
    std::vector<Tensor> grads;
    for (const Param& p : net->params()) grads.push_back(*p.grad);

    net->zero_grad();
    const Tensor* h = &x;
    for (std::size_t i = 0; i < net->layer_count(); ++i) h = &net->layer(i).forward(*h, Mode::kTrain);
    const Tensor* g = &dlogits;
    for (std::size_t i = net->layer_count(); i-- > 0;) g = &net->layer(i).backward(*g);

    REQUIRE(h->shape() == logits.shape());
    for (std::size_t i = 0; i < logits.size(); ++i) REQUIRE((*h)[i] == logits[i]);
    REQUIRE(g->shape() == dx.shape());
    for (std::size_t i = 0; i < dx.size(); ++i) REQUIRE(same_bits((*g)[i], dx[i]));
    for (std::size_t p = 0; p < grads.size(); ++p) {
      const Tensor& plain = *net->params()[p].grad;
      INFO(net->params()[p].name);
      for (std::size_t i = 0; i < plain.size(); ++i) REQUIRE(same_bits(plain[i], grads[p][i]));
    }
  }
}
