// One SIMD vector of floats as a GCC vector extension, one native register wide (16 floats with
// AVX-512, 8 with AVX, 4 otherwise), for the hand-written kernels in ops/. Unaligned loads and
// stores go through memcpy, which compiles to a single move.
#pragma once

#include <immintrin.h>

#include <cstring>

namespace cnn {

#if defined(__AVX512F__)
constexpr int kLanes = 16;
#elif defined(__AVX__)
constexpr int kLanes = 8;
#else
constexpr int kLanes = 4;
#endif
typedef float Vec __attribute__((vector_size(kLanes * sizeof(float))));

inline Vec load(const float* p) {
  Vec v;
  std::memcpy(&v, p, sizeof(Vec));
  return v;
}
inline void store(float* p, Vec v) { std::memcpy(p, &v, sizeof(Vec)); }
// A broadcast, by intrinsic: `Vec{} + x` costs an addition the compiler must keep without
// -ffast-math (0 + -0 is +0), and a loop over the lanes is not always recognised.
inline Vec splat(float x) {
#if defined(__AVX512F__)
  return _mm512_set1_ps(x);
#elif defined(__AVX__)
  return _mm256_set1_ps(x);
#else
  return _mm_set1_ps(x);
#endif
}

}  // namespace cnn
