// The fused conv-pool kernels of ops/fused_pool.hpp against plain loops over the definition, on
// every row length from 1 to 40 windows (the scalar path, one vector, overlapping last vectors),
// with and without ReLU, on values that make ties, NaN and -0 frequent; the unpool writes exactly
// the row pair's 2 pw floats.
#include <catch2/catch.hpp>

#include <cstring>
#include <limits>
#include <vector>

#include "core/rng.hpp"
#include "ops/fused_pool.hpp"

using namespace cnn;

namespace {

constexpr float kUntouched = -12345.0f;

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// A value from a small set (ties), now and then NaN or -0.
float tricky(Rng& rng) {
  const int r = rng.uniform_int(20);
  if (r == 0) return std::numeric_limits<float>::quiet_NaN();
  if (r == 1) return -0.0f;
  return static_cast<float>(rng.uniform_int(5)) * 0.5f - 1.0f;
}

// Pool2d's definition for one window after bias and activation: the first maximum in row-major
// order, with strict comparisons.
void reference_window(const float in[4], float b, bool relu, float* value, std::int32_t* choice) {
  float v[4];
  for (int i = 0; i < 4; ++i) {
    v[i] = in[i] + b;
    if (relu) v[i] = v[i] > 0.0f ? v[i] : 0.0f;
  }
  int best = 0;
  for (int i = 1; i < 4; ++i)
    if (v[i] > v[best]) best = i;
  *value = v[best];
  *choice = relu && !(v[best] > 0.0f) ? kPoolNoGradient : best;
}

}  // namespace

TEST_CASE("max_pool_2x2_row and _choice_row are Pool2d's first maximum, with its choice, on every row length",
          "[fused_pool]") {
  Rng rng(41);
  for (int pw = 1; pw <= 40; ++pw)
    for (bool relu : {false, true}) {
      INFO("pw=" << pw << " relu=" << relu);
      std::vector<float> r0(static_cast<std::size_t>(2 * pw)), r1(r0.size());
      for (std::size_t i = 0; i < r0.size(); ++i) {
        r0[i] = tricky(rng);
        r1[i] = tricky(rng);
      }
      const float b = relu ? 0.25f : -0.5f;
      std::vector<float> out(static_cast<std::size_t>(pw) + 1, kUntouched);
      std::vector<std::int32_t> choice(out.size(), -1);
      max_pool_2x2_choice_row(r0.data(), r1.data(), pw, b, relu, out.data(), choice.data());
      std::vector<float> values_only(out.size(), kUntouched);
      max_pool_2x2_row(r0.data(), r1.data(), pw, b, relu, values_only.data());
      for (int j = 0; j < pw; ++j) {
        const float window[4] = {r0[2 * j], r0[2 * j + 1], r1[2 * j], r1[2 * j + 1]};
        float value;
        std::int32_t expected;
        reference_window(window, b, relu, &value, &expected);
        INFO("window " << j);
        REQUIRE(same_bits(out[j], value));
        REQUIRE(same_bits(values_only[j], value));
        REQUIRE(choice[j] == expected);
      }
      REQUIRE(same_bits(out[pw], kUntouched));
      REQUIRE(same_bits(values_only[pw], kUntouched));
      REQUIRE(choice[pw] == -1);
    }
}

TEST_CASE("unpool_2x2_choice_row puts each gradient at its choice, + 0, zero elsewhere, nothing past the row", "[fused_pool]") {
  Rng rng(43);
  for (int pw = 1; pw <= 40; ++pw) {
    INFO("pw=" << pw);
    std::vector<float> dy(static_cast<std::size_t>(pw));
    std::vector<std::int32_t> choice(dy.size());
    for (int j = 0; j < pw; ++j) {
      dy[j] = j % 3 == 0 ? -0.0f : rng.uniform(-1.0f, 1.0f);
      choice[j] = rng.uniform_int(5);  // 0..3, or kPoolNoGradient
    }
    // Both rows inside one buffer, a gap apart, as on the wide grid; garbage where the unpool
    // must write, kUntouched where it must not.
    const int width = 2 * pw + 3;
    std::vector<float> grid(static_cast<std::size_t>(2 * width), kUntouched);
    for (int w = 0; w < 2 * pw; ++w) grid[w] = grid[width + w] = 7.0f;
    unpool_2x2_choice_row(dy.data(), choice.data(), pw, grid.data(), grid.data() + width);
    for (int row = 0; row < 2; ++row)
      for (int w = 0; w < width; ++w) {
        INFO("row " << row << " column " << w);
        const float got = grid[static_cast<std::size_t>(row * width + w)];
        if (w >= 2 * pw) {
          REQUIRE(same_bits(got, kUntouched));
          continue;
        }
        const int j = w / 2, k = 2 * row + w % 2;
        REQUIRE(same_bits(got, choice[j] == k ? dy[j] + 0.0f : 0.0f));
      }
  }
}
