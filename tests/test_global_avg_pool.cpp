// Tests of GlobalAvgPool and LeakyRelu: golden values by hand and central-difference gradients.
#include <catch2/catch.hpp>

#include "gradcheck.hpp"
#include "layers/global_avg_pool.hpp"
#include "layers/leaky_relu.hpp"

using namespace cnn;

TEST_CASE("global average pooling: each channel's mean, gradient spread evenly", "[global_avg_pool]") {
  GlobalAvgPool layer;
  REQUIRE(layer.setup(Shape{2, 3, 3}) == Shape{2});
  Tensor x(Shape{1, 2, 3, 3});
  for (int i = 0; i < 18; ++i) x[static_cast<std::size_t>(i)] = static_cast<float>(i);
  const Tensor& y = layer.forward(x, Mode::kTrain);
  CHECK(y[0] == 4.0f);   // mean of 0..8
  CHECK(y[1] == 13.0f);  // mean of 9..17
  const Tensor& dx = layer.backward(Tensor(Shape{1, 2}, 9.0f));
  for (std::size_t i = 0; i < dx.size(); ++i) CHECK(dx[i] == 1.0f);
}

TEST_CASE("global average pooling passes the gradient check on odd planes", "[global_avg_pool][gradcheck]") {
  Rng rng(24);
  for (const Shape& in : {Shape{3, 5, 7}, Shape{2, 1, 1}, Shape{4, 3, 4}}) {
    GlobalAvgPool layer;
    layer.setup(in);
    test::check_layer_gradients(layer, test::random_tensor(in.with_batch(2), rng), rng);
  }
}

TEST_CASE("leaky ReLU: x above 0, slope x below, and its gradient check away from 0", "[leaky_relu][gradcheck]") {
  LeakyRelu layer(LeakyReluConfig{0.1});
  layer.setup(Shape{4});
  Tensor x(Shape{1, 4});
  x[0] = 2.0f;
  x[1] = -3.0f;
  x[2] = 0.5f;
  x[3] = -0.25f;
  const Tensor& y = layer.forward(x, Mode::kTrain);
  CHECK(y[0] == 2.0f);
  CHECK(y[1] == Approx(-0.3f));
  CHECK(y[3] == Approx(-0.025f));
  Rng rng(25);
  Tensor z(Shape{3, 2, 5, 3});
  test::fill_distinct(z, rng, 0.01f);  // no value within the step of the kink at 0
  for (std::size_t i = 0; i < z.size(); ++i)
    if (std::abs(z[i]) < 0.005f) z[i] += 0.02f;
  LeakyRelu conv_shaped(LeakyReluConfig{0.01});
  conv_shaped.setup(Shape{2, 5, 3});
  test::check_layer_gradients(conv_shaped, z, rng);
}
