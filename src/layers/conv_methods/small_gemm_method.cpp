// ConvMethod::kSmallGemm; the products in small_gemm_method.hpp.
#include "layers/conv_methods/small_gemm_method.hpp"

#include "ops/small_gemm.hpp"

namespace cnn {

SmallGemmMethod::SmallGemmMethod(const ConvProblem& p) : Im2colMethod(p) {
  weight_t_ = Tensor(Shape{groups_, group_rows_, group_filters_});
}

void SmallGemmMethod::forward_product(int /*group*/, const float* w, const float* col, float* y, bool accumulate) {
  const int f = group_filters_, k = group_rows_, p = g_.col_cols();
  gemm_nn(f, p, k, w, k, col, p, y, p, accumulate);
}

void SmallGemmMethod::weight_gradient_product(int /*group*/, const float* dz, const float* col, float* dw) {
  const int f = group_filters_, k = group_rows_, p = g_.col_cols();
  gemm_nt(f, k, p, dz, p, col, p, dw, k);
}

// weight_t_[g] = W_gᵀ for every group.
void SmallGemmMethod::begin_input_gradient(const Tensor& weight) {
  const int f = group_filters_, k = group_rows_;
  const std::size_t block = static_cast<std::size_t>(f) * k;
  for (int gi = 0; gi < groups_; ++gi) {
    const float* w = weight.data() + gi * block;
    float* wt = weight_t_.data() + gi * block;
    for (int o = 0; o < f; ++o)
      for (int i = 0; i < k; ++i) wt[static_cast<std::size_t>(i) * f + o] = w[static_cast<std::size_t>(o) * k + i];
  }
}

void SmallGemmMethod::input_gradient_product(int group, const float* /*w*/, const float* dz, float* dcol) {
  const int f = group_filters_, k = group_rows_, p = g_.col_cols();
  gemm_nn(k, p, f, weight_t_.data() + static_cast<std::size_t>(group) * f * k, f, dz, p, dcol, p, false);
}

}  // namespace cnn
