// Tests of max and average pooling: golden values, ties, reference comparison, gradient checks,
// and the three methods of Pool2d (PoolMethod, forced through its second constructor): which one
// the rule picks, and every one that applies bit for bit against the others.
#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "enum_names.hpp"
#include "gradcheck.hpp"
#include "layers/pool2d.hpp"
#include "reference/naive_ops.hpp"

using namespace cnn;

namespace {

// Every method that applies to `config` on a per-sample input `in`.
std::vector<PoolMethod> methods_for(const Pool2dConfig& config, const Shape& in) {
  std::vector<PoolMethod> methods;
  for (PoolMethod m : kPoolMethods) {
    Pool2d pool(config, m);
    try {
      pool.setup(in);
      methods.push_back(m);
    } catch (const Error&) {
    }
  }
  return methods;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof(float)) == 0; }

}  // namespace

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
    const Pool2dConfig config{type, kh, kw, sh, sw};
    const int c = 1 + static_cast<int>(rng.uniform_int(3));
    const Tensor x = test::random_tensor(Shape{2, c, h, w}, rng);
    const Tensor expected = reference::pool2d_forward(x, type, kh, kw, sh, sw);
    for (PoolMethod m : methods_for(config, Shape{c, h, w})) {
      Pool2d pool(config, m);
      pool.setup(Shape{c, h, w});
      const Tensor& y = pool.forward(x, Mode::kTrain);
      INFO("trial " << trial << ": " << pool.describe() << ", method " << pool_method_name(m));
      REQUIRE(y.shape() == expected.shape());
      for (std::size_t i = 0; i < y.size(); ++i) REQUIRE(y[i] == Approx(expected[i]).epsilon(1e-6));
    }
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
      {{PoolType::kMax, 2, 2, 2, 2}, {2, 2, 5, 19}},  // rows of 9 outputs: whole vectors, the last overlapping
  };
  Rng rng(13);
  for (auto& c : cases) {
    for (PoolMethod m : methods_for(c.config, c.x.without_batch())) {
      Pool2d pool(c.config, m);
      pool.setup(c.x.without_batch());
      Tensor x(c.x);
      test::fill_distinct(x, rng);  // no ties within the perturbation
      INFO(pool.describe() << " on " << c.x.str() << ", method " << pool_method_name(m));
      test::check_layer_gradients(pool, x, rng);
    }
  }
}

TEST_CASE("pool picks its method by the shape, the same on every instruction set", "[pool]") {
  // LeNet's pool1 (14 outputs a row) takes whole vectors of 8 windows with AVX2 and AVX-512 alike;
  // pool2 (5) goes window by window. A change to the rule (choose_pool_method) shows up here.
  struct Case {
    Pool2dConfig config;
    Shape in;
    PoolMethod expected;
  } cases[] = {
      {{PoolType::kMax, 2, 2, 2, 2}, {6, 28, 28}, PoolMethod::kMax2x2Vectors},   // LeNet pool1
      {{PoolType::kMax, 2, 2, 2, 2}, {16, 10, 10}, PoolMethod::kMax2x2Windows},  // LeNet pool2
      {{PoolType::kMax, 2, 2, 2, 2}, {1, 4, 16}, PoolMethod::kMax2x2Vectors},    // exactly one vector
      {{PoolType::kMax, 2, 2, 2, 2}, {1, 4, 15}, PoolMethod::kMax2x2Windows},    // 7 outputs
      {{PoolType::kAvg, 2, 2, 2, 2}, {6, 28, 28}, PoolMethod::kGeneric},
      {{PoolType::kMax, 3, 3, 2, 2}, {6, 28, 28}, PoolMethod::kGeneric},
      {{PoolType::kMax, 2, 2, 1, 1}, {6, 28, 28}, PoolMethod::kGeneric},
  };
  for (auto& c : cases) {
    Pool2d pool(c.config);
    pool.setup(c.in);
    INFO(pool.describe() << " on " << c.in.str() << ": " << pool_method_name(pool.method()));
    CHECK(pool.method() == c.expected);
  }
  // A forced method that does not apply is refused at setup, by name.
  Pool2d short_rows(Pool2dConfig{PoolType::kMax, 2, 2, 2, 2}, PoolMethod::kMax2x2Vectors);
  CHECK_THROWS_WITH(short_rows.setup(Shape{16, 10, 10}), Catch::Contains("method max2x2_vectors does not apply"));
  Pool2d avg(Pool2dConfig{PoolType::kAvg, 2, 2, 2, 2}, PoolMethod::kMax2x2Windows);
  CHECK_THROWS_WITH(avg.setup(Shape{1, 4, 4}), Catch::Contains("method max2x2_windows does not apply"));
  test::check_distinct_real_names(kPoolMethods, kPoolMethodNames);
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
    const Pool2dConfig config{PoolType::kMax, 2, 2, 2, 2};
    Tensor x(Shape{3, c, h, w});
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(rng.uniform_int(5)) - 2.0f;
    for (PoolMethod m : methods_for(config, Shape{c, h, w})) {
      Pool2d pool(config, m);
      pool.setup(Shape{c, h, w});
      INFO("trial " << trial << ", method " << pool_method_name(m));
      const Tensor trained = pool.forward(x, Mode::kTrain);
      const Tensor& inferred = pool.forward(x, Mode::kInfer);
      REQUIRE(inferred.shape() == trained.shape());
      for (std::size_t i = 0; i < trained.size(); ++i) REQUIRE(inferred[i] == trained[i]);
      // Nothing to route the gradient with after an inference pass.
      REQUIRE_THROWS_AS(pool.backward(Tensor(trained.shape())), Error);
    }
  }
}

TEST_CASE("2x2 max pool: every method routes each gradient to its window's maximum, bit for bit", "[pool]") {
  // Against a direct search of each window's first maximum, with many ties, bit for bit, for every
  // method that applies (generic loops, window by window, whole vectors); the leftover row/column
  // of odd sizes gets 0. Forward values (training and inference) must agree bit for bit too, NaN
  // inputs included.
  Rng rng(10);
  int vector_trials = 0;
  for (int trial = 0; trial < 60; ++trial) {
    // Widths up to 41: rows shorter than a vector of outputs, whole vectors, and a last vector
    // that overlaps the one before.
    const int h = 2 + static_cast<int>(rng.uniform_int(20)), w = 2 + static_cast<int>(rng.uniform_int(40));
    const int c = 1 + static_cast<int>(rng.uniform_int(3)), n = 1 + static_cast<int>(rng.uniform_int(3));
    const Pool2dConfig config{PoolType::kMax, 2, 2, 2, 2};
    const Shape out = Pool2d(config).setup(Shape{c, h, w});
    Tensor x(Shape{n, c, h, w});
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(rng.uniform_int(7));  // many ties
    Tensor dy = test::random_tensor(Shape{n, out[0], out[1], out[2]}, rng);
    // A few gradients whose sign of zero or NaN must come through as the generic 0 + dy has them.
    dy[0] = -0.0f;
    if (dy.size() > 2) dy[dy.size() / 2] = std::numeric_limits<float>::quiet_NaN();
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
    // With a NaN input in one window.
    Tensor x_nan = x;
    x_nan[x.size() / 3] = std::numeric_limits<float>::quiet_NaN();
    Tensor first_y, first_y_nan, first_inferred;  // the generic method's, for the others to match
    const std::vector<PoolMethod> methods = methods_for(config, Shape{c, h, w});
    REQUIRE(methods.front() == PoolMethod::kGeneric);
    if (methods.back() == PoolMethod::kMax2x2Vectors) ++vector_trials;
    for (PoolMethod m : methods) {
      Pool2d pool(config, m);
      pool.setup(Shape{c, h, w});
      INFO("trial " << trial << " (" << n << ", " << c << ", " << h << ", " << w << "), method " << pool_method_name(m));
      const Tensor y_nan = pool.forward(x_nan, Mode::kTrain);
      const Tensor inferred = pool.forward(x, Mode::kInfer);
      const Tensor y = pool.forward(x, Mode::kTrain);
      const Tensor& dx = pool.backward(dy);
      for (std::size_t i = 0; i < dx.size(); ++i) {
        const float got = dx[i], want = expected[i];
        INFO("dx element " << i << ": " << got << " vs " << want);
        REQUIRE(same_bits(got, want));
      }
      if (m == PoolMethod::kGeneric) {
        first_y = y;
        first_y_nan = y_nan;
        first_inferred = inferred;
        continue;
      }
      for (std::size_t i = 0; i < y.size(); ++i) {
        INFO("y element " << i);
        REQUIRE(same_bits(y[i], first_y[i]));
        REQUIRE(same_bits(y_nan[i], first_y_nan[i]));
        REQUIRE(same_bits(inferred[i], first_inferred[i]));
      }
    }
  }
  CHECK(vector_trials >= 20);  // the vector method was compared often enough
}

TEST_CASE("same-padded pooling: TensorFlow's output size, gradients by central differences, odd sizes and stride > 1", "[pool][gradcheck]") {
  struct Case {
    Pool2dConfig config;
    Shape x, out;
  } cases[] = {
      {{PoolType::kMax, 3, 3, 2, 2, Padding::kSame}, {2, 2, 7, 9}, {2, 4, 5}},
      {{PoolType::kAvg, 3, 3, 2, 2, Padding::kSame}, {2, 2, 7, 9}, {2, 4, 5}},
      {{PoolType::kMax, 2, 2, 2, 2, Padding::kSame}, {1, 3, 5, 7}, {3, 3, 4}},  // padded: not the 2x2 fast paths
      {{PoolType::kAvg, 2, 3, 3, 2, Padding::kSame}, {2, 1, 8, 5}, {1, 3, 3}},
      {{PoolType::kMax, 4, 4, 3, 3, Padding::kSame}, {1, 2, 5, 5}, {2, 2, 2}},
      {{PoolType::kAvg, 3, 3, 1, 1, Padding::kSame}, {1, 2, 2, 3}, {2, 2, 3}},  // window larger than the input
  };
  Rng rng(26);
  for (auto& c : cases) {
    for (PoolMethod m : methods_for(c.config, c.x.without_batch())) {
      Pool2d pool(c.config, m);
      INFO(pool.describe() << " on " << c.x.str() << ", method " << pool_method_name(m));
      REQUIRE(pool.setup(c.x.without_batch()) == c.out);
      CHECK_FALSE(pool.is_max_pool_2x2());
      Tensor x(c.x);
      test::fill_distinct(x, rng);
      test::check_layer_gradients(pool, x, rng);
    }
  }
  // Same padding that pads nothing (2x2 stride 2 on an even size) is valid padding: the fast paths.
  Pool2d even(Pool2dConfig{PoolType::kMax, 2, 2, 2, 2, Padding::kSame});
  CHECK(even.setup(Shape{6, 28, 28}) == Shape{6, 14, 14});
  CHECK(even.is_max_pool_2x2());
  CHECK(even.method() == PoolMethod::kMax2x2Vectors);
}

TEST_CASE("same-padded pooling matches PyTorch's fixture", "[pool][fixture]") {
  // tests/fixtures/batch_norm_pool_same.json comes from scripts/make_modern_layers_fixture.py:
  // TensorFlow's padding applied by hand, -inf for max, real-element counts for avg.
  std::ifstream in(std::string(CNN_SOURCE_DIR) + "/tests/fixtures/batch_norm_pool_same.json");
  REQUIRE(in.good());
  const auto fixture = nlohmann::json::parse(in);
  REQUIRE(fixture["pool_same"].size() == 6);
  auto to_tensor = [](const nlohmann::json& values, const Shape& shape) {
    Tensor t(shape);
    REQUIRE(values.size() == t.size());
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = values[i].get<float>();
    return t;
  };
  for (const auto& c : fixture["pool_same"]) {
    const Shape x_shape(c["x_shape"].get<std::vector<int>>());
    PoolType type = PoolType::kMax;
    REQUIRE(kPoolTypeNames.parse(c["type"].get<std::string>(), &type));
    const Pool2dConfig config{type, c["kernel"][0].get<int>(), c["kernel"][1].get<int>(), c["stride"][0].get<int>(),
                              c["stride"][1].get<int>(), Padding::kSame};
    for (PoolMethod m : methods_for(config, x_shape.without_batch())) {
      INFO(c["name"].get<std::string>() << ", method " << pool_method_name(m));
      Pool2d pool(config, m);
      REQUIRE(pool.setup(x_shape.without_batch()).with_batch(x_shape[0]) == Shape(c["y_shape"].get<std::vector<int>>()));
      const Tensor x = to_tensor(c["x"], x_shape);
      const Tensor& y = pool.forward(x, Mode::kTrain);
      const Tensor expected_y = to_tensor(c["y"], y.shape());
      for (std::size_t i = 0; i < y.size(); ++i) REQUIRE(y[i] == Approx(expected_y[i]).epsilon(1e-6).margin(1e-6));
      const Tensor& dx = pool.backward(to_tensor(c["dy"], y.shape()));
      const Tensor expected_dx = to_tensor(c["dx"], x_shape);
      for (std::size_t i = 0; i < dx.size(); ++i) REQUIRE(dx[i] == Approx(expected_dx[i]).epsilon(1e-6).margin(1e-6));
    }
  }
}
