// ConvMethod::kBlas; the products in blas_method.hpp.
#include "layers/conv_methods/blas_method.hpp"

#include "ops/blas.hpp"

namespace cnn {

void BlasMethod::forward_product(const Tensor& weight, float* y) {
  const int f = filters_, k = g_.col_rows(), p = g_.col_cols();
  sgemm(Trans::kNo, Trans::kNo, f, p, k, 1.0f, weight.data(), k, col_.data(), p, 1.0f, y, p);
}

void BlasMethod::weight_gradient_product(const float* dz, Tensor& dweight) {
  const int f = filters_, k = g_.col_rows(), p = g_.col_cols();
  sgemm(Trans::kNo, Trans::kYes, f, k, p, 1.0f, dz, p, col_.data(), p, 1.0f, dweight.data(), k);
}

void BlasMethod::input_gradient_product(const Tensor& weight, const float* dz) {
  const int f = filters_, k = g_.col_rows(), p = g_.col_cols();
  sgemm(Trans::kYes, Trans::kNo, k, p, f, 1.0f, weight.data(), k, dz, p, 0.0f, dcol_.data(), p);
}

}  // namespace cnn
