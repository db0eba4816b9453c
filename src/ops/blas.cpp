// sgemm wrapper implementation: argument checks, then one cblas_sgemm call.
#include "ops/blas.hpp"

#include <cblas.h>

#include "core/error.hpp"

namespace cnn {

void sgemm(Trans trans_a, Trans trans_b, int m, int n, int k, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc) {
  CNN_CHECK(m >= 0 && n >= 0 && k >= 0, "sgemm: negative size m={} n={} k={}", m, n, k);
  const int a_cols = trans_a == Trans::kNo ? k : m;
  const int b_cols = trans_b == Trans::kNo ? n : k;
  CNN_CHECK(lda >= std::max(1, a_cols), "sgemm: lda={} < {}", lda, a_cols);
  CNN_CHECK(ldb >= std::max(1, b_cols), "sgemm: ldb={} < {}", ldb, b_cols);
  CNN_CHECK(ldc >= std::max(1, n), "sgemm: ldc={} < {}", ldc, n);
  if (m == 0 || n == 0) return;
  cblas_sgemm(CblasRowMajor, trans_a == Trans::kNo ? CblasNoTrans : CblasTrans,
              trans_b == Trans::kNo ? CblasNoTrans : CblasTrans, m, n, k, alpha, a, lda, b, ldb, beta,
              c, ldc);
}

void set_blas_threads(int threads) {
  CNN_CHECK(threads >= 1, "thread count must be at least 1, got {}", threads);
  openblas_set_num_threads(threads);
}

int blas_threads() { return openblas_get_num_threads(); }

}  // namespace cnn
