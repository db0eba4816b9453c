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

// OpenBLAS's pthread build starts its worker threads when the library loads, and they spin
// (sched_yield) for about 0.1 s before sleeping, whatever openblas_set_num_threads says. On two
// cores that spinning took a core from cnn's own second thread: 15-20 % of a 10,000-image eval.
// blas_thread_shutdown_ (exported for fork safety) stops them; OpenBLAS restarts them by itself
// if it is later asked for more than one thread. Weak, so that a BLAS without it links too.
extern "C" int blas_thread_shutdown_(void) __attribute__((weak));

void set_blas_threads(int threads) {
  CNN_CHECK(threads >= 1, "thread count must be at least 1, got {}", threads);
  openblas_set_num_threads(threads);
  if (threads == 1 && blas_thread_shutdown_ != nullptr) blas_thread_shutdown_();
}

int blas_threads() { return openblas_get_num_threads(); }

}  // namespace cnn
