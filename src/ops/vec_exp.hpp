// exp_nonpositive(x): e^x in every lane of a Vec, for x <= 0: what the activations that need it
// compute, e^-|x| (silu, gelu's tanh form) and e^(-x²/2) (gelu's derivative). glibc's expf is a
// scalar call that GCC vectorises only under -ffast-math, which cnn never uses; this runs a whole
// vector at once, within one ulp of e^x (tests/test_silu_gelu.cpp measures 0.93).
//
//   x = n ln2 + r, n = round(x / ln2), |r| <= ln2 / 2; ln2 in two parts (Cody and Waite): ln2_hi
//     has 9 significant bits, so n ln2_hi is exact for the n that occur (-126..0)
//   e^r by its Taylor series to r^7, by Horner (the truncation, r^8 / 8!, is below 6e-9 relative)
//   2^n written into the exponent bits (normal floats only: n >= -126)
// x below -87 gives 0 (e^-87 = 1.6e-38 lies at the bottom of the normal floats, and cnn flushes
// denormals); x above 0 is taken as 0 (gives 1); a NaN gives NaN.
#pragma once

#include "ops/vec.hpp"

namespace cnn {

inline Vec exp_nonpositive(Vec x) {
  constexpr float kLowest = -87.0f;
  constexpr float kLog2e = 1.44269504088896340736f;
  constexpr float kLn2Hi = 0.693359375f;           // 355 / 512
  constexpr float kLn2Lo = -2.12194440054690583e-4f;  // ln 2 - kLn2Hi
  // Clamped into [-87, 0]; a NaN (every comparison false) becomes -87 and is put back at the end.
  Vec xc = x >= splat(kLowest) ? x : splat(kLowest);
  xc = xc > Vec{} ? Vec{} : xc;
  // t <= 0: truncating t - 1/2 rounds half away from zero.
  const VecInt n = __builtin_convertvector(xc * kLog2e - 0.5f, VecInt);
  const Vec nf = __builtin_convertvector(n, Vec);
  const Vec r = (xc - nf * kLn2Hi) - nf * kLn2Lo;
  Vec p = splat(1.0f / 5040.0f);
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const Vec scale = reinterpret_cast<Vec>((n + 127) << 23);
  const Vec e = x < splat(kLowest) ? Vec{} : p * scale;
  return x != x ? x : e;
}

}  // namespace cnn
