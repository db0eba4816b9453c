// The small row and block kernels of the conv passes against plain loops: transpose_block on
// shapes that exercise whole tiles, overlapping last tiles and element-wise rows, and
// relu_backward_row and copy_row on every length around the vector width, with values that tell a
// mask from a multiplication (NaN, infinities, negative zero).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "core/rng.hpp"
#include "ops/activation.hpp"
#include "ops/transpose.hpp"
#include "ops/vec.hpp"

using namespace cnn;

namespace {

constexpr float kUntouched = -12345.0f;

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("transpose_block transposes any block and writes nothing else", "[transpose]") {
  Rng rng(31);
  const int shapes[][2] = {{1, 1}, {8, 8}, {16, 10}, {6, 28}, {16, 100}, {7, 9}, {9, 7}, {17, 23}, {3, 5}, {24, 8}, {8, 15},
                          {100, 16}, {100, 6}, {13, 13}};
  for (const auto& shape : shapes) {
    const int rows = shape[0], cols = shape[1];
    const int src_stride = cols + 3, dst_stride = rows + 5;
    std::vector<float> src(static_cast<std::size_t>(rows * src_stride));
    for (float& v : src) v = rng.uniform(-1, 1);
    std::vector<float> dst(static_cast<std::size_t>(cols * dst_stride), kUntouched);
    transpose_block(src.data(), src_stride, rows, cols, dst.data(), dst_stride);
    for (int c = 0; c < cols; ++c)
      for (int r = 0; r < dst_stride; ++r) {
        INFO("rows=" << rows << " cols=" << cols << " r=" << r << " c=" << c);
        const float got = dst[static_cast<std::size_t>(c * dst_stride + r)];
        REQUIRE(got == (r < rows ? src[static_cast<std::size_t>(r * src_stride + c)] : kUntouched));
      }
  }
}

TEST_CASE("relu_backward_row is activation_backward's ReLU, bit for bit, on every short length", "[transpose]") {
  Rng rng(32);
  const float specials[] = {0.0f, -0.0f, std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(), 1e-40f};
  for (int n = 1; n <= 41; ++n) {
    std::vector<float> y(static_cast<std::size_t>(n)), dy(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      // A third of the outputs are exactly zero (a ReLU's clipped outputs), some are special.
      y[static_cast<std::size_t>(i)] = i % 3 == 0 ? 0.0f : (i % 7 == 0 ? specials[i % 6] : rng.uniform(-1, 1));
      dy[static_cast<std::size_t>(i)] = i % 5 == 0 ? specials[(i / 5) % 6] : rng.uniform(-1, 1);
    }
    std::vector<float> expected(static_cast<std::size_t>(n)), got(static_cast<std::size_t>(n) + 1, kUntouched);
    activation_backward(Activation::kRelu, y.data(), dy.data(), expected.data(), static_cast<std::size_t>(n));
    relu_backward_row(y.data(), dy.data(), n, got.data());
    for (int i = 0; i < n; ++i) {
      INFO("n=" << n << " i=" << i << " y=" << y[static_cast<std::size_t>(i)] << " dy=" << dy[static_cast<std::size_t>(i)]);
      REQUIRE(same_bits(got[static_cast<std::size_t>(i)], expected[static_cast<std::size_t>(i)]));
    }
    REQUIRE(got[static_cast<std::size_t>(n)] == kUntouched);
  }
}

TEST_CASE("copy_row copies every short length exactly and writes nothing else", "[transpose]") {
  // Lengths around both vector widths (the overlapping last vector, the 8-float step of a 16-lane
  // build, the scalar loop), NaN and -0 copied as bits.
  Rng rng(53);
  for (int n = 0; n <= 40; ++n) {
    std::vector<float> src(static_cast<std::size_t>(n));
    for (float& v : src) v = rng.uniform(-1, 1);
    if (n > 2) {
      src[1] = std::numeric_limits<float>::quiet_NaN();
      src[2] = -0.0f;
    }
    std::vector<float> dst(static_cast<std::size_t>(n) + 2, kUntouched);
    copy_row(src.data(), n, dst.data() + 1);
    INFO("n=" << n);
    REQUIRE(same_bits(dst[0], kUntouched));
    for (int i = 0; i < n; ++i) REQUIRE(same_bits(dst[static_cast<std::size_t>(i) + 1], src[static_cast<std::size_t>(i)]));
    REQUIRE(same_bits(dst[static_cast<std::size_t>(n) + 1], kUntouched));
  }
}
