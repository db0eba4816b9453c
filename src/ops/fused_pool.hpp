// The 2x2, stride-2 max pool of a convolution fused with it (layers/conv_methods/stride1_method.hpp),
// one row of windows at a time, over the rows of the convolution's product before bias and
// activation: the pool adds the bias and applies ReLU (or nothing) itself. In training it also
// records which input each window passed on, and its inverse puts the gradients back there.
//
//   pool    out[j] = max of the window at columns 2j, 2j + 1 of rows r0 and r1, in Pool2d's order
//           (the first maximum in row-major order wins, NaN as in Pool2d); choice[j] = which one
//   unpool  r0, r1 = 0 except the chosen input of window j, which gets dy[j] + 0 (Pool2d's 0 + dy:
//           a -0 gradient becomes +0)
//
// Whole vectors of 8 windows where a row holds one (the last may overlap the one before), scalar
// code otherwise; neither branches on the data, which random values mispredict. A choice is a
// 32-bit integer, one vector lane, so that vectors of them load and store as they are.
#pragma once

#include <cstdint>

namespace cnn {

// Which input of a 2x2 window the pool passed on: 0..3 in row-major order (top left, top right,
// bottom left, bottom right), or kPoolNoGradient where nothing flows back (after ReLU, a window
// whose maximum is not positive: ReLU's mask stops its gradient).
constexpr std::int32_t kPoolNoGradient = 4;

// Windows [0, pw) of the row pair r0, r1 (2 pw floats each, read up to r0[2 pw - 1]): out (pw),
// with bias b added to every input and then, if relu, ReLU.
void max_pool_2x2_row(const float* r0, const float* r1, int pw, float b, bool relu, float* out);
// The same, and each window's choice in choice (pw).
void max_pool_2x2_choice_row(const float* r0, const float* r1, int pw, float b, bool relu, float* out, std::int32_t* choice);

// The inverse for the same windows: writes r0[0, 2 pw) and r1[0, 2 pw).
void unpool_2x2_choice_row(const float* dy, const std::int32_t* choice, int pw, float* r0, float* r1);

// A vector of products with their bias and, if relu, ReLU (NaN and -0 become +0, as relu_of does):
// what the fused pool compares.
template <class V>
inline V biased_lanes(V v, V b, bool relu) {
  v += b;
  return relu ? (v > V{} ? v : V{}) : v;
}

// Pool2d's first maximum of four vectors of window inputs (GCC vector types), lane by lane, and
// each lane's choice 0..3 (ReLU's kPoolNoGradient is left to the caller): the core of the row
// kernels, and of kernels that hold windows along other dimensions (filters, in PositionsMethod).
template <class V, class VInt>
inline V max4_choice_lanes(V v00, V v01, V v10, V v11, VInt* choice) {
  V v = v00;
  VInt k{};
  VInt later = v01 > v;
  v = later ? v01 : v;
  k = later ? VInt{} + 1 : k;
  later = v10 > v;
  v = later ? v10 : v;
  k = later ? VInt{} + 2 : k;
  later = v11 > v;
  v = later ? v11 : v;
  k = later ? VInt{} + 3 : k;
  *choice = k;
  return v;
}

// One window's value and choice (the scalar form of the row kernel, for a layout of its own).
inline float max4_choice(float v00, float v01, float v10, float v11, bool relu, std::int32_t* choice) {
  float v = v00;
  int k = 0;
  k = v01 > v ? 1 : k;
  v = v01 > v ? v01 : v;
  k = v10 > v ? 2 : k;
  v = v10 > v ? v10 : v;
  k = v11 > v ? 3 : k;
  v = v11 > v ? v11 : v;
  *choice = relu && !(v > 0.0f) ? kPoolNoGradient : k;
  return v;
}

}  // namespace cnn
