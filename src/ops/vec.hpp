// One SIMD vector of floats as a GCC vector extension, one native register wide (16 floats with
// AVX-512, 8 with AVX, 4 otherwise), for the hand-written kernels in ops/, and a vector of 8
// floats on every target for kernels whose path must not depend on the width (Vec8). Unaligned
// loads and stores go through memcpy, which compiles to a single move.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace cnn {

#if defined(CNN_VECTOR_LANES)
// A width other than the target's native one (CMake: -DCNN_VECTOR_LANES=16): GCC and clang split
// such vectors into native registers, so an AVX2 machine runs the 16-lane code paths of an AVX-512
// build (tiles, tails, the choices that depend on kLanes) and its tests check them
// (scripts/test_widths.sh). For testing, not for speed.
constexpr int kLanes = CNN_VECTOR_LANES;
#elif defined(__AVX512F__)
constexpr int kLanes = 16;
#elif defined(__AVX__)
constexpr int kLanes = 8;
#else
constexpr int kLanes = 4;
#endif
typedef float Vec __attribute__((vector_size(kLanes * sizeof(float))));
// As many 32-bit integers: what comparing two Vecs gives (all ones where true, 0 where false),
// for selects and masks, and per-lane indices.
typedef std::int32_t VecInt __attribute__((vector_size(kLanes * sizeof(std::int32_t))));

// Put before a loop over a tile's accumulators (a local Vec array) outside its inner loop, where
// the trip count is a template parameter. GCC keeps such an array in registers only if every
// access has a constant index; a loop it leaves rolled (the stores at the end of a 6 x 2 tile
// were) puts the whole array on the stack: a memset at the start of every tile and a spill and
// reload at its end.
#if defined(__clang__)
#define CNN_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define CNN_UNROLL _Pragma("GCC unroll 16")
#else
#define CNN_UNROLL
#endif

inline Vec load(const float* p) {
  Vec v;
  std::memcpy(&v, p, sizeof(Vec));
  return v;
}
inline void store(float* p, Vec v) { std::memcpy(p, &v, sizeof(Vec)); }
// A broadcast, by intrinsic: `Vec{} + x` costs an addition the compiler must keep without
// -ffast-math (0 + -0 is +0), and a loop over the lanes is not always recognised.
inline Vec splat(float x) {
#if defined(CNN_VECTOR_LANES)
  Vec v;
  for (int i = 0; i < kLanes; ++i) v[i] = x;
  return v;
#elif defined(__AVX512F__)
  return _mm512_set1_ps(x);
#elif defined(__AVX__)
  return _mm256_set1_ps(x);
#else
  return _mm_set1_ps(x);
#endif
}

// Eight floats (and eight 32-bit integers) whatever the target: one AVX register, two SSE ones,
// half an AVX-512 one. For kernels whose choice of path must not depend on the instruction set:
// the 2x2 max pool (layers/pool2d.cpp) takes whole vectors of outputs for rows of at least 8, so
// that LeNet's pool1 (14 outputs a row) runs the vector path with AVX-512 as with AVX2, where a
// native vector of 16 would leave it to the scalar one.
constexpr int kLanes8 = 8;
// (Without AVX, GCC's -Wpsabi warns about passing it by value: CMakeLists.txt turns that off.)
typedef float Vec8 __attribute__((vector_size(kLanes8 * sizeof(float))));
typedef std::int32_t VecInt8 __attribute__((vector_size(kLanes8 * sizeof(std::int32_t))));

inline Vec8 load8(const float* p) {
  Vec8 v;
  std::memcpy(&v, p, sizeof(Vec8));
  return v;
}
inline void store8(float* p, Vec8 v) { std::memcpy(p, &v, sizeof(Vec8)); }

// The even lanes (0, 2, ..., 14) and the odd lanes of the 16 floats a then b: a row's even and
// odd columns. __builtin_shufflevector takes constant lane numbers in both GCC (12 on) and clang.
inline Vec8 even_lanes(Vec8 a, Vec8 b) { return __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14); }
inline Vec8 odd_lanes(Vec8 a, Vec8 b) { return __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15); }

// The inverse: dst[2i] = even[i], dst[2i + 1] = odd[i] for i < 8 (16 floats).
inline void store_interleaved(float* dst, Vec8 even, Vec8 odd) {
  store8(dst, __builtin_shufflevector(even, odd, 0, 8, 1, 9, 2, 10, 3, 11));
  store8(dst + kLanes8, __builtin_shufflevector(even, odd, 4, 12, 5, 13, 6, 14, 7, 15));
}

// dst[0..n) = src[0..n) for the short rows of a padded image (10-30 floats), where a call to
// memmove costs more than the copy; src and dst must not overlap. Whole vectors, the last one
// overlapping the one before, not a scalar tail (up to 7 or 15 dependent loads and stores a row:
// LeNet's rows of 28 and 14 are not multiples of 8 or 16).
inline void copy_row(const float* src, int n, float* dst) {
  if (n >= kLanes) {
    for (int i = 0; i + kLanes <= n; i += kLanes) store(dst + i, load(src + i));
    if (n % kLanes != 0) store(dst + n - kLanes, load(src + n - kLanes));
  } else if (kLanes > kLanes8 && n >= kLanes8) {
    store8(dst, load8(src));
    store8(dst + n - kLanes8, load8(src + n - kLanes8));
  } else {
    for (int i = 0; i < n; ++i) dst[i] = src[i];
  }
}

// Σ x[0..n): four vectors of partial sums, then the lanes. A plain loop is one dependent chain of
// scalar additions (the compiler may not reorder float sums), about four cycles per element.
inline float sum_of(const float* x, int n) {
  Vec acc[4] = {};
  int i = 0;
  for (; i + 4 * kLanes <= n; i += 4 * kLanes)
    for (int a = 0; a < 4; ++a) acc[a] += load(x + i + a * kLanes);
  for (; i + kLanes <= n; i += kLanes) acc[0] += load(x + i);
  const Vec v = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  float sum = 0.0f;
  for (int lane = 0; lane < kLanes; ++lane) sum += v[lane];
  for (; i < n; ++i) sum += x[i];
  return sum;
}

}  // namespace cnn
