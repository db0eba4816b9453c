// ConvMethod::kSmallGemm: im2col (im2col_method.hpp) + the own register-blocked kernels of
// ops/small_gemm.hpp, which beat OpenBLAS on the skinny products of few filters (1.2-2x):
//
//   forward  y += W(F x K) col(K x P)            gemm_nn
//   dW       dW(F x K) += dz(F x P) colᵀ         gemm_nt
//   dcol     dcol(K x P) = Wᵀ(K x F) dz(F x P)   gemm_nn on Wᵀ, transposed once per backward
#pragma once

#include "layers/conv_methods/im2col_method.hpp"

namespace cnn {

class SmallGemmMethod : public Im2colMethod {
 public:
  static bool applies(const ConvProblem& /*p*/) { return true; }
  explicit SmallGemmMethod(const ConvProblem& p);

 private:
  void forward_product(const Tensor& weight, float* y) override;
  void weight_gradient_product(const float* dz, Tensor& dweight) override;
  void begin_input_gradient(const Tensor& weight) override;
  void input_gradient_product(const Tensor& weight, const float* dz) override;

  Tensor weight_t_;  // (K, F): Wᵀ
};

}  // namespace cnn
