// ConvMethod::kBlas; the products in blas_method.hpp.
#include "layers/conv_methods/blas_method.hpp"

#include "ops/blas.hpp"

namespace cnn {

void BlasMethod::forward_product(int /*group*/, const float* w, const float* col, float* y, bool accumulate) {
  const int f = group_filters_, k = group_rows_, p = g_.col_cols();
  sgemm(Trans::kNo, Trans::kNo, f, p, k, 1.0f, w, k, col, p, accumulate ? 1.0f : 0.0f, y, p);
}

void BlasMethod::weight_gradient_product(int /*group*/, const float* dz, const float* col, float* dw) {
  const int f = group_filters_, k = group_rows_, p = g_.col_cols();
  sgemm(Trans::kNo, Trans::kYes, f, k, p, 1.0f, dz, p, col, p, 1.0f, dw, k);
}

void BlasMethod::input_gradient_product(int /*group*/, const float* w, const float* dz, float* dcol) {
  const int f = group_filters_, k = group_rows_, p = g_.col_cols();
  sgemm(Trans::kYes, Trans::kNo, k, p, f, 1.0f, w, k, dz, p, 0.0f, dcol, p);
}

}  // namespace cnn
