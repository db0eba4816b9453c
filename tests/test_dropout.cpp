// Tests of Dropout: the gradient check with a fixed mask, inference as the identity, the share
// dropped and the scale of the kept, and masks keyed by (seed, step, layer, global sample index):
// the same for a sample however the batch is split, different from step to step and layer to layer.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/error.hpp"
#include "gradcheck.hpp"
#include "layers/dropout.hpp"

using namespace cnn;

TEST_CASE("dropout passes the gradient check with a fixed mask", "[dropout][gradcheck]") {
  Rng rng(21);
  for (const Shape& in : {Shape{3, 4, 5}, Shape{9}}) {
    Dropout layer(DropoutConfig{0.4});
    REQUIRE(layer.setup(in) == in);
    layer.set_step({7, 3, 0, 1});
    test::check_layer_gradients(layer, test::random_tensor(in.with_batch(3), rng), rng);
  }
}

TEST_CASE("dropout drops about `rate` of the elements, scales the rest by 1 / (1 - rate), and is the identity at inference", "[dropout]") {
  Rng rng(22);
  for (double rate : {0.0, 0.25, 0.5, 0.9}) {
    INFO("rate " << rate);
    Dropout layer(DropoutConfig{rate});
    layer.setup(Shape{10, 10, 10});
    layer.set_step({1, 0, 0, 0});
    const Tensor x = test::random_tensor(Shape{20, 10, 10, 10}, rng, 0.5f, 1.5f);  // no zeros of its own
    const Tensor y = layer.forward(x, Mode::kTrain);
    std::size_t dropped = 0;
    const float scale = static_cast<float>(1.0 / (1.0 - rate));
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (y[i] == 0.0f) {
        ++dropped;
      } else {
        REQUIRE(y[i] == x[i] * scale);
      }
    }
    // 20,000 elements: the share is within 5 standard deviations of rate.
    const double share = static_cast<double>(dropped) / static_cast<double>(x.size());
    CHECK(std::abs(share - rate) <= 5.0 * std::sqrt(rate * (1 - rate) / static_cast<double>(x.size())) + 1e-9);
    const Tensor& inferred = layer.forward(x, Mode::kInfer);
    CHECK(inferred.values() == x.values());
    CHECK_THROWS_AS(layer.backward(x), Error);  // no backward after inference
  }
}

TEST_CASE("a sample's dropout mask depends on the seed, step, layer and its global index, not on the split", "[dropout]") {
  Rng rng(23);
  const Shape in{2, 3, 3};
  const Tensor x = test::random_tensor(in.with_batch(6), rng, 0.5f, 1.5f);
  auto run = [&](const StepContext& step, const Tensor& input) {
    Dropout layer(DropoutConfig{0.5});
    layer.setup(in);
    layer.set_step(step);
    return layer.forward(input, Mode::kTrain);
  };
  const Tensor whole = run({9, 4, 0, 2}, x);
  // Samples 2..5 alone, told that their first one is sample 2 of the batch.
  Tensor tail(in.with_batch(4));
  const std::size_t per = in.numel();
  std::copy(x.data() + 2 * per, x.data() + x.size(), tail.data());
  const Tensor part = run({9, 4, 2, 2}, tail);
  for (std::size_t i = 0; i < part.size(); ++i) REQUIRE(part[i] == whole[2 * per + i]);
  // Another step, layer or seed draws another mask.
  CHECK(run({9, 5, 0, 2}, x).values() != whole.values());
  CHECK(run({9, 4, 0, 3}, x).values() != whole.values());
  CHECK(run({10, 4, 0, 2}, x).values() != whole.values());
  // And the same context the same mask.
  CHECK(run({9, 4, 0, 2}, x).values() == whole.values());
}
