// Tests of Dense, Flatten and the activation layers.
#include <catch2/catch.hpp>
#include <cmath>

#include "gradcheck.hpp"
#include "layers/activation_layer.hpp"
#include "layers/dense.hpp"
#include "layers/flatten.hpp"
#include "reference/naive_ops.hpp"

using namespace cnn;

TEST_CASE("dense golden values computed by hand", "[dense]") {
  Dense dense(DenseConfig{2, Activation::kNone});
  CHECK(dense.setup(Shape{3}) == Shape{2});
  auto params = dense.params();
  const float w[] = {1, 2, 3, -1, 0, 1};  // (2, 3)
  std::copy(w, w + 6, params[0].value->data());
  (*params[1].value)[0] = 0.5f;
  (*params[1].value)[1] = -0.5f;
  Tensor x(Shape{2, 3});
  const float xv[] = {1, 1, 1, 2, 0, -1};
  std::copy(xv, xv + 6, x.data());
  const Tensor& y = dense.forward(x, Mode::kInfer);
  CHECK(y[0] == 6.5f);   // 1+2+3 + 0.5
  CHECK(y[1] == -0.5f);  // -1+0+1 - 0.5
  CHECK(y[2] == -0.5f);  // 2-3 + 0.5
  CHECK(y[3] == -3.5f);  // -2-1 - 0.5
}

TEST_CASE("dense forward (cnn's own kernels, ops/small_gemm) matches the naive loop on random shapes", "[dense]") {
  Rng rng(31);
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 1 + static_cast<int>(rng.uniform_int(9)), d = 1 + static_cast<int>(rng.uniform_int(40));
    const int u = 1 + static_cast<int>(rng.uniform_int(20));
    Dense dense(DenseConfig{u, Activation::kNone});
    dense.setup(Shape{d});
    auto params = dense.params();
    for (Param& p : params)
      for (std::size_t i = 0; i < p.value->size(); ++i) (*p.value)[i] = rng.uniform(-1, 1);
    const Tensor x = test::random_tensor(Shape{n, d}, rng);
    const Tensor& y = dense.forward(x, Mode::kInfer);
    const Tensor expected = reference::dense_forward(x, *params[0].value, *params[1].value);
    for (std::size_t i = 0; i < y.size(); ++i) REQUIRE(y[i] == Approx(expected[i]).epsilon(1e-5).margin(1e-5));
  }
}

TEST_CASE("dense gradients match central differences, any input rank", "[dense][gradcheck]") {
  Rng rng(17);
  for (Activation act : {Activation::kNone, Activation::kRelu, Activation::kTanh, Activation::kSigmoid, Activation::kScaledTanh}) {
    Dense dense(DenseConfig{4, act});
    dense.setup(Shape{2, 3, 2});  // read as 12 features
    INFO(dense.describe());
    test::check_layer_gradients(dense, test::random_tensor(Shape{3, 2, 3, 2}, rng), rng);
  }
}

TEST_CASE("flatten is NCHW order and its gradient is a reshape", "[flatten][gradcheck]") {
  Flatten flatten;
  CHECK(flatten.setup(Shape{2, 3, 4}) == Shape{24});
  Rng rng(2);
  const Tensor x = test::random_tensor(Shape{2, 2, 3, 4}, rng);
  const Tensor& y = flatten.forward(x, Mode::kTrain);
  CHECK(y.shape() == Shape{2, 24});
  CHECK(y[24 + 13] == x.at(1, 1, 0, 1));
  test::check_layer_gradients(flatten, x, rng);
}

TEST_CASE("activation layers compute their formulas and gradients", "[activation][gradcheck]") {
  Tensor x(Shape{1, 5});
  const float xv[] = {-2.0f, -0.5f, 0.25f, 1.0f, 3.0f};
  std::copy(xv, xv + 5, x.data());
  ActivationLayer relu(Activation::kRelu), tanh_layer(Activation::kTanh), sigmoid(Activation::kSigmoid),
      scaled(Activation::kScaledTanh);
  for (ActivationLayer* l : {&relu, &tanh_layer, &sigmoid, &scaled}) l->setup(Shape{5});
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(relu.forward(x, Mode::kInfer)[i] == std::max(0.0f, xv[i]));
    CHECK(tanh_layer.forward(x, Mode::kInfer)[i] == Approx(std::tanh(xv[i])));
    CHECK(sigmoid.forward(x, Mode::kInfer)[i] == Approx(1.0 / (1.0 + std::exp(-xv[i]))));
    CHECK(scaled.forward(x, Mode::kInfer)[i] == Approx(1.7159 * std::tanh(2.0 * xv[i] / 3.0)));
  }
  // Sigmoid saturates without overflow.
  Tensor big(Shape{1, 2});
  big[0] = -1000.0f;
  big[1] = 1000.0f;
  const Tensor& s = sigmoid.forward(big, Mode::kInfer);
  CHECK(s[0] == 0.0f);
  CHECK(s[1] == 1.0f);

  Rng rng(4);
  for (ActivationLayer* l : {&tanh_layer, &sigmoid, &scaled}) {
    l->setup(Shape{3, 4});
    test::check_layer_gradients(*l, test::random_tensor(Shape{2, 3, 4}, rng, -2.0f, 2.0f), rng);
  }
  // ReLU's kink at 0 is kept out of reach of the perturbation.
  relu.setup(Shape{3, 4});
  Tensor xr = test::random_tensor(Shape{2, 3, 4}, rng, 0.05f, 2.0f);
  for (std::size_t i = 0; i < xr.size(); i += 2) xr[i] = -xr[i];
  test::check_layer_gradients(relu, xr, rng);
}
