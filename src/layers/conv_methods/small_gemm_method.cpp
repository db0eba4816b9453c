// ConvMethod::kSmallGemm; the products in small_gemm_method.hpp.
#include "layers/conv_methods/small_gemm_method.hpp"

#include "ops/small_gemm.hpp"

namespace cnn {

SmallGemmMethod::SmallGemmMethod(const ConvProblem& p) : Im2colMethod(p) {
  weight_t_ = Tensor(Shape{g_.col_rows(), filters_});
}

void SmallGemmMethod::forward_product(const Tensor& weight, float* y) {
  const int f = filters_, k = g_.col_rows(), p = g_.col_cols();
  gemm_nn(f, p, k, weight.data(), k, col_.data(), p, y, p, true);
}

void SmallGemmMethod::weight_gradient_product(const float* dz, Tensor& dweight) {
  const int f = filters_, k = g_.col_rows(), p = g_.col_cols();
  gemm_nt(f, k, p, dz, p, col_.data(), p, dweight.data(), k);
}

// weight_t_ = Wᵀ.
void SmallGemmMethod::begin_input_gradient(const Tensor& weight) {
  const int f = filters_, k = g_.col_rows();
  for (int o = 0; o < f; ++o)
    for (int i = 0; i < k; ++i) weight_t_[static_cast<std::size_t>(i) * f + o] = weight[static_cast<std::size_t>(o) * k + i];
}

void SmallGemmMethod::input_gradient_product(const Tensor& /*weight*/, const float* dz) {
  const int f = filters_, k = g_.col_rows(), p = g_.col_cols();
  gemm_nn(k, p, f, weight_t_.data(), f, dz, p, dcol_.data(), p, false);
}

}  // namespace cnn
