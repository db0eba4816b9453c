// ConvMethod::kSmallGemm: im2col (im2col_method.hpp) + the own register-blocked kernels of
// ops/small_gemm.hpp, which beat OpenBLAS on the skinny products of few filters (1.2-2x). Per
// group g (f = F / G filters; G = 1: the whole matrices):
//
//   forward  y_g (+)= W_g(f x K) col_g(K x P)          gemm_nn
//   dW       dW_g(f x K) += dz_g(f x P) col_gᵀ         gemm_nt
//   dcol     dcol_g(K x P) = W_gᵀ(K x f) dz_g(f x P)   gemm_nn on W_gᵀ, transposed once per backward
#pragma once

#include "layers/conv_methods/im2col_method.hpp"

namespace cnn {

class SmallGemmMethod : public Im2colMethod {
 public:
  static bool applies(const ConvProblem& /*p*/) { return true; }
  explicit SmallGemmMethod(const ConvProblem& p);

 private:
  void forward_product(int group, const float* w, const float* col, float* y, bool accumulate) override;
  void weight_gradient_product(int group, const float* dz, const float* col, float* dw) override;
  void begin_input_gradient(const Tensor& weight) override;
  void input_gradient_product(int group, const float* w, const float* dz, float* dcol) override;

  Tensor weight_t_;  // (G, K, F / G): W_gᵀ of every group
};

}  // namespace cnn
