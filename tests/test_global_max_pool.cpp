// Tests of GlobalMaxPool and of first_max_index (ops/first_max.hpp) under it: the first maximum
// on every length against a plain loop (ties, NaN, -0, -inf), hand values, PyTorch's fixture,
// the gradient check, the config and model-file forms, and an allocation-free training step with
// the new activations.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "allocation_counter.hpp"
#include "config/config.hpp"
#include "expect_error.hpp"
#include "gradcheck.hpp"
#include "layers/global_max_pool.hpp"
#include "net/builder.hpp"
#include "net/initializer.hpp"
#include "ops/first_max.hpp"
#include "runtime/softmax_cross_entropy.hpp"
#include "train/optimizer.hpp"

using namespace cnn;
using namespace cnn::test;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// The definition, one element at a time: the first NaN if there is one, else the first element
// that no later one exceeds.
std::size_t first_max_reference(const float* x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (std::isnan(x[i])) return i;
  std::size_t best = 0;
  for (std::size_t i = 1; i < n; ++i)
    if (x[i] > x[best]) best = i;
  return best;
}

}  // namespace

TEST_CASE("first_max_index is the first maximum on every length, with ties, NaN, -0 and -inf", "[global_max_pool]") {
  Rng rng(81);
  const float levels[] = {-kInf, -1.0f, -0.0f, 0.0f, 0.5f, 2.0f};
  for (std::size_t n = 1; n <= 40; ++n) {
    for (int trial = 0; trial < 50; ++trial) {
      std::vector<float> x(n);
      for (float& v : x) v = levels[rng.uniform_int(std::size(levels))];
      if (trial % 5 == 1) x[rng.uniform_int(n)] = kNaN;
      if (trial % 5 == 2) {  // two NaNs: the first wins
        x[rng.uniform_int(n)] = kNaN;
        x[rng.uniform_int(n)] = kNaN;
      }
      if (trial % 5 == 3)
        for (float& v : x) v = -kInf;
      INFO("length " << n << ", trial " << trial);
      REQUIRE(first_max_index(x.data(), n) == first_max_reference(x.data(), n));
    }
  }
}

TEST_CASE("global max pooling: each plane's first maximum, the gradient to it alone", "[global_max_pool]") {
  GlobalMaxPool layer;
  REQUIRE(layer.setup(Shape{3, 2, 3}) == Shape{3});
  const float values[] = {1, 3, 3, 2, 3, 0,              // a tie of three: the first (index 1) wins
                          -2, -1, -5, -1, -3, -4,        // negative: -1 at index 1, again at 3
                          0, kNaN, 4, kNaN, 7, 1};       // NaN: the result, its first one takes the gradient
  Tensor x(Shape{1, 3, 2, 3});
  std::copy(std::begin(values), std::end(values), x.data());
  const Tensor& y = layer.forward(x, Mode::kTrain);
  REQUIRE(y.shape() == Shape{1, 3});
  CHECK(y[0] == 3.0f);
  CHECK(y[1] == -1.0f);
  CHECK(std::isnan(y[2]));
  Tensor dy(Shape{1, 3});
  dy[0] = 10.0f;
  dy[1] = 20.0f;
  dy[2] = 30.0f;
  const Tensor& dx = layer.backward(dy);
  REQUIRE(dx.shape() == x.shape());
  for (std::size_t i = 0; i < dx.size(); ++i) {
    INFO("element " << i);
    CHECK(dx[i] == (i == 1 ? 10.0f : i == 7 ? 20.0f : i == 13 ? 30.0f : 0.0f));
  }
  // Inference keeps no places: no backward after it.
  layer.forward(x, Mode::kInfer);
  expect_error([&] { layer.backward(dy); }, ExitCode::kInternal, "training mode");
  // A (C, H, W) input only.
  GlobalMaxPool flat;
  expect_error([&] { flat.setup(Shape{12}); }, ExitCode::kUsage, "global_max_pool needs a (C, H, W) input");
}

TEST_CASE("global max pooling matches PyTorch's fixture, ties included", "[global_max_pool][fixture]") {
  // tests/fixtures/silu_gelu_global_max_pool.json comes from scripts/make_activation_fixture.py
  // (x.flatten(2).max(2) and its backward, float64).
  std::ifstream in(std::string(CNN_SOURCE_DIR) + "/tests/fixtures/silu_gelu_global_max_pool.json");
  REQUIRE(in.good());
  const auto fixture = nlohmann::json::parse(in);
  REQUIRE(fixture["global_max_pool"].size() == 4);
  for (const auto& c : fixture["global_max_pool"]) {
    INFO(c["name"].get<std::string>());
    const Shape shape(c["x_shape"].get<std::vector<int>>());
    const auto values = c["x"].get<std::vector<float>>();
    Tensor x(shape);
    std::copy(values.begin(), values.end(), x.data());
    GlobalMaxPool layer;
    layer.setup(shape.without_batch());
    const Tensor& y = layer.forward(x, Mode::kTrain);
    const auto want_y = c["y"].get<std::vector<float>>();
    const auto argmax = c["argmax"].get<std::vector<int>>();
    REQUIRE(y.size() == want_y.size());
    const std::size_t plane = x.size() / y.size();
    for (std::size_t i = 0; i < y.size(); ++i) {
      CHECK(y[i] == want_y[i]);  // a maximum is one of the inputs: exact
      CHECK(first_max_index(x.data() + i * plane, plane) == static_cast<std::size_t>(argmax[i]));
    }
    const auto dy_values = c["dy"].get<std::vector<float>>();
    Tensor dy(y.shape());
    std::copy(dy_values.begin(), dy_values.end(), dy.data());
    const Tensor& dx = layer.backward(dy);
    const auto want_dx = c["dx"].get<std::vector<float>>();
    REQUIRE(dx.size() == want_dx.size());
    for (std::size_t i = 0; i < dx.size(); ++i) CHECK(dx[i] == want_dx[i]);
  }
}

TEST_CASE("global max pooling passes the gradient check on planes without ties", "[global_max_pool][gradcheck]") {
  Rng rng(82);
  for (const Shape& in : {Shape{3, 5, 7}, Shape{2, 1, 1}, Shape{4, 3, 4}, Shape{1, 9, 2}}) {
    GlobalMaxPool layer;
    layer.setup(in);
    INFO("input " << in.str());
    Tensor x(in.with_batch(2));
    fill_distinct(x, rng);  // no two values within the difference step: no maximum changes place
    check_layer_gradients(layer, x, rng);
  }
}

TEST_CASE("global_max_pool in a config and a model file: no options, (C, H, W) -> (C)", "[global_max_pool][config]") {
  const std::string text = R"(model:
  input: [1, 8, 8]
  layers:
    - conv: {filters: 5, kernel: 3, activation: relu}
    - global_max_pool
    - dense: {units: 3}
    - softmax
)";
  const ModelSpec spec = parse_config(text, "gmp.cfg").model;
  CHECK(spec.layers[1].kind == "global_max_pool");
  CHECK(spec.layers[1].options == nlohmann::json::object());
  CHECK(to_json(model_spec_from_json(to_json(spec))) == to_json(spec));
  auto net = build_net(spec);
  CHECK(net->layer_output_shape(1) == Shape{5});
  CHECK(net->layer_name(1) == "global_max_pool1");
  expect_error([&] { parse_config("model:\n  input: [1, 8, 8]\n  layers:\n    - global_max_pool: {size: 2}\n    - softmax\n", "bad.cfg"); },
               ExitCode::kUsage, "takes no options");
  expect_error([&] { build_net(parse_config("model:\n  input: [1, 8, 8]\n  layers:\n    - flatten\n    - global_max_pool\n    - softmax\n",
                                            "flat.cfg").model); },
               ExitCode::kUsage, "global_max_pool needs a (C, H, W) input");
}

TEST_CASE("a training step of silu, gelu and global_max_pool layers allocates nothing once its buffers exist",
          "[global_max_pool][activation]") {
  if (!allocation_counting_available()) {
    WARN("allocation counting is off under AddressSanitizer (tests/allocation_counter.hpp)");
    return;
  }
  // Convs and dense layers that keep their pre-activation, the layers of their own, the pool.
  auto net = build_net(parse_config(R"(model:
  input: [1, 12, 12]
  layers:
    - conv: {filters: 6, kernel: 3, padding: same, activation: silu}
    - conv: {filters: 4, kernel: 3, stride: 2, activation: gelu}
    - gelu: {approximate: tanh}
    - silu
    - global_max_pool
    - dense: {units: 5, activation: gelu_tanh}
    - softmax
)",
                                    "alloc.cfg")
                           .model);
  Rng rng(83);
  initialize(net->params(), Init::kHeNormal, rng);
  Optimizer opt(OptimizerConfig{}, net->params());
  SoftmaxCrossEntropy loss;
  const Tensor x = random_tensor(Shape{6, 1, 12, 12}, rng, 0.0f, 1.0f);
  const Label labels[] = {0, 1, 2, 3, 4, 0};
  auto step = [&] {
    net->zero_grad();
    loss.forward(net->forward(x, Mode::kTrain), labels);
    net->backward(loss.backward());
    opt.step(0.001f);
    net->forward(x, Mode::kInfer);
  };
  step();  // the first step allocates every buffer
  const std::uint64_t before = allocations_so_far();
  for (int i = 0; i < 3; ++i) step();
  CHECK(allocations_so_far() - before == 0);
}
