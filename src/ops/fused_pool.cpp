// The fused 2x2 max pool, with and without choices, and its inverse; see fused_pool.hpp.
#include "ops/fused_pool.hpp"

#include <cstddef>
#include <cstring>

#include "ops/vec.hpp"

namespace cnn {

namespace {

// Windows [0, 8) of r0, r1 (16 floats each); the choices too where kChoice.
template <bool kChoice>
inline void pool_lanes(const float* r0, const float* r1, Vec8 b, bool relu, float* out, std::int32_t* choice) {
  const Vec8 a0 = load8(r0), b0 = load8(r0 + kLanes8), a1 = load8(r1), b1 = load8(r1 + kLanes8);
  VecInt8 k;
  const Vec8 v = max4_choice_lanes(biased_lanes(even_lanes(a0, b0), b, relu), biased_lanes(odd_lanes(a0, b0), b, relu),
                                   biased_lanes(even_lanes(a1, b1), b, relu), biased_lanes(odd_lanes(a1, b1), b, relu), &k);
  store8(out, v);
  if (kChoice) {
    if (relu) k = v > Vec8{} ? k : VecInt8{} + kPoolNoGradient;
    std::memcpy(choice, &k, sizeof k);
  }
}

// The inverse for windows [0, 8): r0, r1 (16 floats each).
inline void unpool_lanes(const float* dy, const std::int32_t* choice, float* r0, float* r1) {
  VecInt8 k;
  std::memcpy(&k, choice, sizeof k);
  const Vec8 g = load8(dy), zero{};
  store_interleaved(r0, (k == 0 ? g : zero) + zero, (k == 1 ? g : zero) + zero);
  store_interleaved(r1, (k == 2 ? g : zero) + zero, (k == 3 ? g : zero) + zero);
}


template <bool kChoice>
void pool_row(const float* r0, const float* r1, int pw, float b, bool relu, float* out, std::int32_t* choice) {
  if (pw >= kLanes8) {
    const Vec8 bias = Vec8{} + b;
    // The last vector ends at the row's end and may overlap the one before (the overlapping
    // windows are written twice with the same values).
    for (int j = 0;; j += kLanes8) {
      if (j > pw - kLanes8) j = pw - kLanes8;
      pool_lanes<kChoice>(r0 + 2 * j, r1 + 2 * j, bias, relu, out + j, choice + j);
      if (j == pw - kLanes8) break;
    }
    return;
  }
  const auto at = [&](const float* r, int w) {
    const float v = r[w] + b;
    return relu ? (v > 0.0f ? v : 0.0f) : v;
  };
  std::int32_t ignored;
  for (int j = 0; j < pw; ++j)
    out[j] = max4_choice(at(r0, 2 * j), at(r0, 2 * j + 1), at(r1, 2 * j), at(r1, 2 * j + 1), relu,
                         kChoice ? choice + j : &ignored);
}

}  // namespace

void max_pool_2x2_row(const float* r0, const float* r1, int pw, float b, bool relu, float* out) {
  pool_row<false>(r0, r1, pw, b, relu, out, nullptr);
}

void max_pool_2x2_choice_row(const float* r0, const float* r1, int pw, float b, bool relu, float* out, std::int32_t* choice) {
  pool_row<true>(r0, r1, pw, b, relu, out, choice);
}

void unpool_2x2_choice_row(const float* dy, const std::int32_t* choice, int pw, float* r0, float* r1) {
  if (pw >= kLanes8) {
    for (int j = 0;; j += kLanes8) {
      if (j > pw - kLanes8) j = pw - kLanes8;
      unpool_lanes(dy + j, choice + j, r0 + 2 * j, r1 + 2 * j);
      if (j == pw - kLanes8) break;
    }
    return;
  }
  // The window's four inputs zeroed, then one store: to the chosen input or, with no gradient,
  // to `sink`, an address picked by a conditional move (selects between values compiled to
  // branches, which random choices mispredict).
  const std::ptrdiff_t offset[4] = {0, 1, r1 - r0, r1 - r0 + 1};
  float sink;
  for (int j = 0; j < pw; ++j) {
    r0[2 * j] = r0[2 * j + 1] = r1[2 * j] = r1[2 * j + 1] = 0.0f;
    const std::int32_t k = choice[j];
    float* at = k < kPoolNoGradient ? r0 + 2 * j + offset[k & 3] : &sink;
    *at = dy[j] + 0.0f;
  }
}

}  // namespace cnn
