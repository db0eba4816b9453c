// Tests of max and average pooling: golden values, ties, reference comparison, gradient checks.
#include <catch2/catch.hpp>

#include <cstring>
#include <limits>

#include "core/error.hpp"
#include "gradcheck.hpp"
#include "layers/pool2d.hpp"
#include "reference/naive_ops.hpp"

using namespace cnn;

TEST_CASE("max and avg pool golden values computed by hand", "[pool]") {
  Tensor x(Shape{1, 1, 4, 4});
  for (int i = 0; i < 16; ++i) x[static_cast<std::size_t>(i)] = static_cast<float>((i * 7) % 16);
  // x = [[0,7,14,5],[12,3,10,1],[8,15,6,13],[4,11,2,9]]
  Pool2d max_pool(Pool2dConfig{PoolType::kMax, 2, 2, 2, 2});
  CHECK(max_pool.setup(Shape{1, 4, 4}) == Shape{1, 2, 2});
  const Tensor& ym = max_pool.forward(x, Mode::kTrain);
  CHECK(ym[0] == 12);
  CHECK(ym[1] == 14);
  CHECK(ym[2] == 15);
  CHECK(ym[3] == 13);
  Pool2d avg_pool(Pool2dConfig{PoolType::kAvg, 2, 2, 2, 2});
  avg_pool.setup(Shape{1, 4, 4});
  const Tensor& ya = avg_pool.forward(x, Mode::kTrain);
  CHECK(ya[0] == Approx((0 + 7 + 12 + 3) / 4.0));
  CHECK(ya[3] == Approx((6 + 13 + 2 + 9) / 4.0));
  // Avg backward spreads evenly.
  Tensor dy(Shape{1, 1, 2, 2}, 4.0f);
  const Tensor& dx = avg_pool.backward(dy);
  for (std::size_t i = 0; i < 16; ++i) CHECK(dx[i] == 1.0f);
}

TEST_CASE("max pool routes the gradient to the first maximum of a tie", "[pool]") {
  Tensor x(Shape{1, 1, 2, 2}, 3.0f);  // all four equal
  Pool2d pool(Pool2dConfig{PoolType::kMax, 2, 2, 2, 2});
  pool.setup(Shape{1, 2, 2});
  pool.forward(x, Mode::kTrain);
  const Tensor& dx = pool.backward(Tensor(Shape{1, 1, 1, 1}, 5.0f));
  CHECK(dx[0] == 5.0f);
  CHECK(dx[1] == 0.0f);
  CHECK(dx[2] == 0.0f);
  CHECK(dx[3] == 0.0f);
  x[2] = 4.0f;
  x[3] = 4.0f;  // the first maximum in row-major order is now element 2
  pool.forward(x, Mode::kTrain);
  const Tensor& dx2 = pool.backward(Tensor(Shape{1, 1, 1, 1}, 5.0f));
  CHECK(dx2[2] == 5.0f);
  CHECK(dx2[3] == 0.0f);
}

TEST_CASE("pooling matches the naive reference on random shapes", "[pool]") {
  Rng rng(8);
  for (int trial = 0; trial < 30; ++trial) {
    const PoolType type = trial % 2 ? PoolType::kMax : PoolType::kAvg;
    const int h = 2 + static_cast<int>(rng.uniform_int(10)), w = 2 + static_cast<int>(rng.uniform_int(10));
    const int kh = 1 + static_cast<int>(rng.uniform_int(std::min(h, 4))), kw = 1 + static_cast<int>(rng.uniform_int(std::min(w, 4)));
    const int sh = 1 + static_cast<int>(rng.uniform_int(3)), sw = 1 + static_cast<int>(rng.uniform_int(3));
    Pool2d pool(Pool2dConfig{type, kh, kw, sh, sw});
    const int c = 1 + static_cast<int>(rng.uniform_int(3));
    pool.setup(Shape{c, h, w});
    const Tensor x = test::random_tensor(Shape{2, c, h, w}, rng);
    const Tensor& y = pool.forward(x, Mode::kTrain);
    const Tensor expected = reference::pool2d_forward(x, type, kh, kw, sh, sw);
    REQUIRE(y.shape() == expected.shape());
    for (std::size_t i = 0; i < y.size(); ++i) REQUIRE(y[i] == Approx(expected[i]).epsilon(1e-6));
  }
}

TEST_CASE("pool gradients match central differences", "[pool][gradcheck]") {
  struct Case {
    Pool2dConfig config;
    Shape x;
  } cases[] = {
      {{PoolType::kMax, 2, 2, 2, 2}, {2, 2, 4, 4}},
      {{PoolType::kMax, 3, 2, 2, 1}, {2, 2, 7, 5}},  // non-square, overlapping along w, leftover rows
      {{PoolType::kMax, 2, 2, 1, 1}, {1, 3, 3, 4}},  // fully overlapping
      {{PoolType::kAvg, 2, 2, 2, 2}, {2, 2, 5, 5}},  // odd size: last row/column unused
      {{PoolType::kAvg, 3, 2, 1, 2}, {2, 1, 5, 6}},
  };
  Rng rng(13);
  for (auto& c : cases) {
    Pool2d pool(c.config);
    pool.setup(c.x.without_batch());
    Tensor x(c.x);
    test::fill_distinct(x, rng);  // no ties within the perturbation
    INFO(pool.describe() << " on " << c.x.str());
    test::check_layer_gradients(pool, x, rng);
  }
}

TEST_CASE("pool rejects a window larger than its input", "[pool]") {
  Pool2d pool(Pool2dConfig{PoolType::kMax, 3, 3, 3, 3});
  CHECK_THROWS_AS(pool.setup(Shape{1, 2, 5}), Error);
}

TEST_CASE("2x2 max pool in inference mode gives exactly the training values", "[pool]") {
  // Inference skips the argmax (a separate, vectorised loop); it must not change a single value,
  // ties and odd sizes included. Values from a small set make ties frequent.
  Rng rng(9);
  for (int trial = 0; trial < 20; ++trial) {
    const int h = 2 + static_cast<int>(rng.uniform_int(30)), w = 2 + static_cast<int>(rng.uniform_int(30));
    const int c = 1 + static_cast<int>(rng.uniform_int(4));
    Pool2d pool(Pool2dConfig{PoolType::kMax, 2, 2, 2, 2});
    pool.setup(Shape{c, h, w});
    Tensor x(Shape{3, c, h, w});
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(rng.uniform_int(5)) - 2.0f;
    const Tensor trained = pool.forward(x, Mode::kTrain);
    const Tensor& inferred = pool.forward(x, Mode::kInfer);
    REQUIRE(inferred.shape() == trained.shape());
    for (std::size_t i = 0; i < trained.size(); ++i) REQUIRE(inferred[i] == trained[i]);
    // Nothing to route the gradient with after an inference pass.
    REQUIRE_THROWS_AS(pool.backward(Tensor(trained.shape())), Error);
  }
}

TEST_CASE("2x2 max pool routes each gradient to its window's maximum, even and odd sizes", "[pool]") {
  // Against a direct search of each window's first maximum, with many ties, bit for bit; the
  // leftover row/column of odd sizes gets 0.
  Rng rng(10);
  for (int trial = 0; trial < 40; ++trial) {
    // Widths up to 41: rows shorter than a vector of outputs, whole vectors, and a last vector
    // that overlaps the one before.
    const int h = 2 + static_cast<int>(rng.uniform_int(20)), w = 2 + static_cast<int>(rng.uniform_int(40));
    const int c = 1 + static_cast<int>(rng.uniform_int(3)), n = 1 + static_cast<int>(rng.uniform_int(3));
    Pool2d pool(Pool2dConfig{PoolType::kMax, 2, 2, 2, 2});
    const Shape out = pool.setup(Shape{c, h, w});
    Tensor x(Shape{n, c, h, w});
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(rng.uniform_int(7));  // many ties
    pool.forward(x, Mode::kTrain);
    Tensor dy = test::random_tensor(Shape{n, out[0], out[1], out[2]}, rng);
    // A few gradients whose sign of zero or NaN must come through as the generic 0 + dy has them.
    dy[0] = -0.0f;
    if (dy.size() > 2) dy[dy.size() / 2] = std::numeric_limits<float>::quiet_NaN();
    const Tensor& dx = pool.backward(dy);
    Tensor expected(x.shape());
    for (int s = 0; s < n; ++s)
      for (int ch = 0; ch < c; ++ch)
        for (int oh = 0; oh < out[1]; ++oh)
          for (int ow = 0; ow < out[2]; ++ow) {
            std::size_t best = 0;
            float v = -1.0f;
            for (int i = 0; i < 2; ++i)
              for (int j = 0; j < 2; ++j) {
                const std::size_t at = ((static_cast<std::size_t>(s) * c + ch) * h + 2 * oh + i) * w + 2 * ow + j;
                if (x[at] > v) v = x[at], best = at;
              }
            expected[best] += dy[((static_cast<std::size_t>(s) * c + ch) * out[1] + oh) * out[2] + ow];
          }
    INFO("trial " << trial << " (" << n << ", " << c << ", " << h << ", " << w << ")");
    for (std::size_t i = 0; i < dx.size(); ++i) {
      const float got = dx[i], want = expected[i];
      INFO("element " << i << ": " << got << " vs " << want);
      REQUIRE(std::memcmp(&got, &want, sizeof(float)) == 0);
    }
  }
}
