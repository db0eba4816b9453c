// ConvMethod::kBlas: im2col (im2col_method.hpp) + OpenBLAS's sgemm, which wins from about 16
// filters when the stride-1 methods do not apply (2x the own kernels). Per group g (f = F / G
// filters; G = 1: the whole matrices):
//
//   forward  y_g(f x P) (+)= W_g(f x K) col_g(K x P)
//   dW       dW_g(f x K) += dz_g(f x P) col_gᵀ
//   dcol     dcol_g(K x P) = W_gᵀ dz_g
#pragma once

#include "layers/conv_methods/im2col_method.hpp"

namespace cnn {

class BlasMethod : public Im2colMethod {
 public:
  static bool applies(const ConvProblem& /*p*/) { return true; }
  explicit BlasMethod(const ConvProblem& p) : Im2colMethod(p) {}

 private:
  void forward_product(int group, const float* w, const float* col, float* y, bool accumulate) override;
  void weight_gradient_product(int group, const float* dz, const float* col, float* dw) override;
  void input_gradient_product(int group, const float* w, const float* dz, float* dcol) override;
};

}  // namespace cnn
