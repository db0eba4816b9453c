// Small gemm kernels; see small_gemm.hpp. Tiles: gemm_nn keeps R x V vectors of C in registers
// (R <= 4 rows, V <= 2 native vectors) while streaming rows of B; gemm_nt keeps R x S dot
// products (R, S <= 4) in registers while streaming A and B along k.
#include "ops/small_gemm.hpp"

#include <cstring>

namespace cnn {
namespace {

// One vector is one native register: 16 floats with AVX-512, 8 with AVX, 4 otherwise.
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
  std::memcpy(&v, p, sizeof(Vec));  // unaligned load
  return v;
}
inline void store(float* p, Vec v) { std::memcpy(p, &v, sizeof(Vec)); }
inline Vec splat(float x) { return Vec{} + x; }

template <int R, int V>
void nn_tile(int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc, bool accumulate) {
  Vec acc[R][V];
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < V; ++v) acc[r][v] = accumulate ? load(c + r * ldc + v * kLanes) : Vec{};
  for (int p = 0; p < k; ++p) {
    Vec bv[V];
    for (int v = 0; v < V; ++v) bv[v] = load(b + p * ldb + v * kLanes);
    for (int r = 0; r < R; ++r) {
      const Vec av = splat(a[r * lda + p]);
      for (int v = 0; v < V; ++v) acc[r][v] += av * bv[v];
    }
  }
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < V; ++v) store(c + r * ldc + v * kLanes, acc[r][v]);
}

template <int R>
void nn_rows(int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc, bool accumulate) {
  int j = 0;
  for (; j + 2 * kLanes <= n; j += 2 * kLanes) nn_tile<R, 2>(k, a, lda, b + j, ldb, c + j, ldc, accumulate);
  for (; j + kLanes <= n; j += kLanes) nn_tile<R, 1>(k, a, lda, b + j, ldb, c + j, ldc, accumulate);
  for (; j < n; ++j)  // fewer than 16 columns left
    for (int r = 0; r < R; ++r) {
      float sum = accumulate ? c[r * ldc + j] : 0.0f;
      for (int p = 0; p < k; ++p) sum += a[r * lda + p] * b[p * ldb + j];
      c[r * ldc + j] = sum;
    }
}

inline float hsum(Vec v) {
  float s = 0.0f;
  for (int i = 0; i < kLanes; ++i) s += v[i];
  return s;
}

template <int R, int S>
void nt_tile(int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc) {
  Vec acc[R][S] = {};
  int p = 0;
  for (; p + kLanes <= k; p += kLanes) {
    Vec av[R];
    for (int r = 0; r < R; ++r) av[r] = load(a + r * lda + p);
    for (int s = 0; s < S; ++s) {
      const Vec bv = load(b + s * ldb + p);
      for (int r = 0; r < R; ++r) acc[r][s] += av[r] * bv;
    }
  }
  for (int r = 0; r < R; ++r)
    for (int s = 0; s < S; ++s) {
      float sum = hsum(acc[r][s]);
      for (int q = p; q < k; ++q) sum += a[r * lda + q] * b[s * ldb + q];
      c[r * ldc + s] += sum;
    }
}

template <int R>
void nt_rows(int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc) {
  int j = 0;
  for (; j + 4 <= n; j += 4) nt_tile<R, 4>(k, a, lda, b + j * ldb, ldb, c + j, ldc);
  switch (n - j) {
    case 3: nt_tile<R, 3>(k, a, lda, b + j * ldb, ldb, c + j, ldc); break;
    case 2: nt_tile<R, 2>(k, a, lda, b + j * ldb, ldb, c + j, ldc); break;
    case 1: nt_tile<R, 1>(k, a, lda, b + j * ldb, ldb, c + j, ldc); break;
    default: break;
  }
}

}  // namespace

void gemm_nn(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc, bool accumulate) {
  int i = 0;
  for (; i + 4 <= m; i += 4) nn_rows<4>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc, accumulate);
  switch (m - i) {
    case 3: nn_rows<3>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc, accumulate); break;
    case 2: nn_rows<2>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc, accumulate); break;
    case 1: nn_rows<1>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc, accumulate); break;
    default: break;
  }
}

void gemm_nt(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc) {
  int i = 0;
  for (; i + 4 <= m; i += 4) nt_rows<4>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc);
  switch (m - i) {
    case 3: nt_rows<3>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc); break;
    case 2: nt_rows<2>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc); break;
    case 1: nt_rows<1>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc); break;
    default: break;
  }
}

}  // namespace cnn
