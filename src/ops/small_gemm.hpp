// Register-blocked matrix products for the small, skinny shapes of convolution layers, where
// OpenBLAS (tuned for large matrices) spends most of its time packing: on LeNet's conv shapes it
// reaches 10-25 GFLOP/s on one core, these kernels several times that. Row-major, no transposes
// beyond the two forms below; written with GCC vector extensions, one vector per native register
// (AVX-512, AVX2 or SSE as the target allows). tests/test_small_gemm.cpp holds them to a naive loop.
//
//   gemm_nn:  C(m x n) (+)= A(m x k) B(k x n)      vectorised along n (conv forward, dcol)
//   gemm_nt:  C(m x n)  += A(m x k) B(n x k)ᵀ      vectorised along k (conv dW: a dot per entry)
//
// The *_rows forms take B (or C) as a table of row starts instead of a leading dimension: row p
// of B is b + b_rows[p]. Rows may overlap, which is what lets a stride-1 convolution read the shifted
// rows of a padded image in place instead of copying them into an im2col matrix (conv2d.hpp).
#pragma once

namespace cnn {

void gemm_nn(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc, bool accumulate);
void gemm_nt(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc);

void gemm_nn_rows(int m, int n, int k, const float* a, int lda, const float* b, const int* b_rows, float* c, int ldc,
                  bool accumulate);
void gemm_nt_rows(int m, int n, int k, const float* a, int lda, const float* b, const int* b_rows, float* c, int ldc);
// C by row starts, always accumulating: c[c_rows[i] + j] += (A B)[i][j]. Rows may overlap; they
// are updated one tile after another, so overlapping rows add up (the stride-1 input gradient
// adds the shifted rows of Wᵀ dz straight into the padded image this way).
void gemm_nn_add_rows(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, const int* c_rows);

}  // namespace cnn
