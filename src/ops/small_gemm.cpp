// Small gemm kernels; see small_gemm.hpp. Tiles: gemm_nn keeps R x V vectors of C in registers
// (R <= 6 rows, V <= 2 native vectors: 12 accumulators + 3 operands fit AVX2's 16 registers)
// while streaming rows of B; gemm_nt keeps R x S dot products (R <= 6, S <= 2) in registers
// while streaming A and B along k. B is reached through a row accessor, so one kernel serves both a
// leading dimension and a table of row starts.
#include "ops/small_gemm.hpp"

#include "ops/vec.hpp"

namespace cnn {
namespace {

// Row p at b + p * ld (T = const float for B, float for C).
template <class T>
struct StridedRows {
  T* b;
  int ld;
  T* operator()(int p) const { return b + static_cast<long>(p) * ld; }
  StridedRows shifted(int j) const { return {b + j, ld}; }  // columns from j
  StridedRows from(int i) const { return {b + static_cast<long>(i) * ld, ld}; }  // rows from i
};

// Row p at b + rows[p].
template <class T>
struct TableRows {
  T* b;
  const int* rows;
  T* operator()(int p) const { return b + rows[p]; }
  TableRows shifted(int j) const { return {b + j, rows}; }
  TableRows from(int i) const { return {b, rows + i}; }
};

template <int R, int V, class BRows, class CRows>
void nn_tile(int k, const float* a, int lda, BRows b, CRows c, bool accumulate) {
  Vec acc[R][V] = {};
  for (int p = 0; p < k; ++p) {
    const float* row = b(p);
    Vec bv[V];
    for (int v = 0; v < V; ++v) bv[v] = load(row + v * kLanes);
    for (int r = 0; r < R; ++r) {
      const Vec av = splat(a[r * lda + p]);
      for (int v = 0; v < V; ++v) acc[r][v] += av * bv[v];
    }
  }
  // C is read only here, one row after the other, so that rows which overlap (a table of row
  // starts) each see the ones stored before them.
  CNN_UNROLL for (int r = 0; r < R; ++r)
    CNN_UNROLL for (int v = 0; v < V; ++v) store(c(r) + v * kLanes, accumulate ? load(c(r) + v * kLanes) + acc[r][v] : acc[r][v]);
}

template <int R, class BRows, class CRows>
void nn_rows(int n, int k, const float* a, int lda, BRows b, CRows c, bool accumulate) {
  int j = 0;
  for (; j + 2 * kLanes <= n; j += 2 * kLanes) nn_tile<R, 2>(k, a, lda, b.shifted(j), c.shifted(j), accumulate);
  for (; j + kLanes <= n; j += kLanes) nn_tile<R, 1>(k, a, lda, b.shifted(j), c.shifted(j), accumulate);
  for (; j < n; ++j)  // fewer than one vector of columns left
    for (int r = 0; r < R; ++r) {
      float sum = 0.0f;
      for (int p = 0; p < k; ++p) sum += a[r * lda + p] * b(p)[j];
      c(r)[j] = accumulate ? c(r)[j] + sum : sum;
    }
}

template <class BRows, class CRows>
void nn(int m, int n, int k, const float* a, int lda, BRows b, CRows c, bool accumulate) {
  int i = 0;
  for (; i + 6 <= m; i += 6) nn_rows<6>(n, k, a + i * lda, lda, b, c.from(i), accumulate);
  for (; i + 4 <= m; i += 4) nn_rows<4>(n, k, a + i * lda, lda, b, c.from(i), accumulate);
  switch (m - i) {
    case 3: nn_rows<3>(n, k, a + i * lda, lda, b, c.from(i), accumulate); break;
    case 2: nn_rows<2>(n, k, a + i * lda, lda, b, c.from(i), accumulate); break;
    case 1: nn_rows<1>(n, k, a + i * lda, lda, b, c.from(i), accumulate); break;
    default: break;
  }
}

// The sum of a vector's lanes as a tree (halves added, then their halves): log2(lanes) dependent
// additions instead of lanes - 1. (A dense layer at batch 1 makes a dot product per output, so
// this ran once per 50 steps of its loop; the chain of 8 took as long as a fifth of the products.)
inline float hsum(Vec v) {
#if defined(__AVX__) && !defined(__AVX512F__) && !defined(CNN_VECTOR_LANES)
  __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  x = _mm_add_ps(x, _mm_movehl_ps(x, x));
  x = _mm_add_ss(x, _mm_movehdup_ps(x));
  return _mm_cvtss_f32(x);
#else
  float lanes[kLanes];
  std::memcpy(lanes, &v, sizeof(v));
  for (int width = kLanes / 2; width >= 1; width /= 2)
    for (int i = 0; i < width; ++i) lanes[i] += lanes[i + width];
  return lanes[0];
#endif
}

// R rows of A against S rows of B: R x S dot products along k. Per step of k, S vectors of B stay
// in registers and each of the R vectors of A is loaded once for its S products.
template <int R, int S, class Rows>
void nt_tile(int k, const float* a, int lda, Rows b, float* c, int ldc) {
  const float* brow[S];
  CNN_UNROLL for (int s = 0; s < S; ++s) brow[s] = b(s);
  Vec acc[R][S] = {};
  int p = 0;
  for (; p + kLanes <= k; p += kLanes) {
    Vec bv[S];
    for (int s = 0; s < S; ++s) bv[s] = load(brow[s] + p);
    for (int r = 0; r < R; ++r) {
      const Vec av = load(a + r * lda + p);
      for (int s = 0; s < S; ++s) acc[r][s] += av * bv[s];
    }
  }
  CNN_UNROLL for (int r = 0; r < R; ++r)
    CNN_UNROLL for (int s = 0; s < S; ++s) {
      float sum = hsum(acc[r][s]);
      for (int q = p; q < k; ++q) sum += a[r * lda + q] * brow[s][q];
      c[r * ldc + s] += sum;
    }
}

template <int R, class Rows>
void nt_rows(int n, int k, const float* a, int lda, Rows b, float* c, int ldc) {
  int j = 0;
  for (; j + 2 <= n; j += 2) nt_tile<R, 2>(k, a, lda, b.from(j), c + j, ldc);
  if (j < n) nt_tile<R, 1>(k, a, lda, b.from(j), c + j, ldc);
}

// One or two rows of A (a dense layer at batch 1, the last rows of a batch): R x S tiles with S = 8
// or 4, so that 8 dot products are in flight. With 1 x 2 only two chains of fused multiply-adds
// ran, each waiting for the last (4 cycles): a dense layer at batch 1 ran at a quarter of its speed.
template <int R, class Rows>
void nt_few_rows(int n, int k, const float* a, int lda, Rows b, float* c, int ldc) {
  constexpr int S = 8 / R;
  int j = 0;
  for (; j + S <= n; j += S) nt_tile<R, S>(k, a, lda, b.from(j), c + j, ldc);
  for (; j + 2 <= n; j += 2) nt_tile<R, 2>(k, a, lda, b.from(j), c + j, ldc);
  if (j < n) nt_tile<R, 1>(k, a, lda, b.from(j), c + j, ldc);
}

// Tiles of 6 x 2: 12 accumulators, 2 vectors of B and 1 of A in AVX2's 16 registers, and 8 loads
// per 12 fused multiply-adds. (4 x 4 needs 21 registers: GCC spilled, conv1's dW ran at 40 % of
// the 6 x 2 tile's speed.)
template <class Rows>
void nt(int m, int n, int k, const float* a, int lda, Rows b, float* c, int ldc) {
  int i = 0;
  for (; i + 6 <= m; i += 6) nt_rows<6>(n, k, a + i * lda, lda, b, c + i * ldc, ldc);
  for (; i + 4 <= m; i += 4) nt_rows<4>(n, k, a + i * lda, lda, b, c + i * ldc, ldc);
  switch (m - i) {
    case 3: nt_rows<3>(n, k, a + i * lda, lda, b, c + i * ldc, ldc); break;
    case 2: nt_few_rows<2>(n, k, a + i * lda, lda, b, c + i * ldc, ldc); break;
    case 1: nt_few_rows<1>(n, k, a + i * lda, lda, b, c + i * ldc, ldc); break;
    default: break;
  }
}

}  // namespace

void gemm_nn(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc, bool accumulate) {
  nn(m, n, k, a, lda, StridedRows<const float>{b, ldb}, StridedRows<float>{c, ldc}, accumulate);
}

void gemm_nt(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc) {
  nt(m, n, k, a, lda, StridedRows<const float>{b, ldb}, c, ldc);
}

void gemm_nn_rows(int m, int n, int k, const float* a, int lda, const float* b, const int* b_rows, float* c, int ldc,
                  bool accumulate) {
  nn(m, n, k, a, lda, TableRows<const float>{b, b_rows}, StridedRows<float>{c, ldc}, accumulate);
}

void gemm_nn_add_rows(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, const int* c_rows) {
  nn(m, n, k, a, lda, StridedRows<const float>{b, ldb}, TableRows<float>{c, c_rows}, true);
}

void gemm_nt_rows(int m, int n, int k, const float* a, int lda, const float* b, const int* b_rows, float* c, int ldc) {
  nt(m, n, k, a, lda, TableRows<const float>{b, b_rows}, c, ldc);
}

}  // namespace cnn
