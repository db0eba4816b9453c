// Register-blocked matrix products for the small, skinny shapes of convolution layers, where
// OpenBLAS (tuned for large matrices) spends most of its time packing: on LeNet's conv shapes it
// reaches 10-25 GFLOP/s on one core, these kernels several times that. Row-major, no transposes
// beyond the two forms below; written with GCC vector extensions, one vector per native register
// (AVX-512, AVX2 or SSE as the target allows). tests/test_small_gemm.cpp holds them to a naive loop.
//
//   gemm_nn:  C(m x n) (+)= A(m x k) B(k x n)      vectorised along n (conv forward, dcol)
//   gemm_nt:  C(m x n)  += A(m x k) B(n x k)ᵀ      vectorised along k (conv dW: a dot per entry)
#pragma once

namespace cnn {

void gemm_nn(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc, bool accumulate);
void gemm_nt(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc);

}  // namespace cnn
