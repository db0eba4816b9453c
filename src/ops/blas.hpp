// A thin, checked wrapper over OpenBLAS's cblas_sgemm, row-major only.
//
//   C(m x n) = alpha * op(A)(m x k) * op(B)(k x n) + beta * C
//
// op(X) is X or its transpose. Leading dimensions are those of the matrices as stored
// (row-major): A is m x k (lda >= k) when not transposed, k x m (lda >= m) when transposed.
#pragma once

namespace cnn {

enum class Trans { kNo, kYes };

void sgemm(Trans trans_a, Trans trans_b, int m, int n, int k, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc);

// Tells OpenBLAS how many threads its pool may use (1 or more).
void set_blas_threads(int threads);
int blas_threads();

}  // namespace cnn
