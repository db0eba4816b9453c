// ConvMethod::kBlas: im2col (im2col_method.hpp) + OpenBLAS's sgemm, which wins from about 16
// filters when the stride-1 methods do not apply (2x the own kernels):
//
//   forward  y(F x P) += W(F x K) col(K x P)
//   dW       dW(F x K) += dz(F x P) colᵀ
//   dcol     dcol(K x P) = Wᵀ dz
#pragma once

#include "layers/conv_methods/im2col_method.hpp"

namespace cnn {

class BlasMethod : public Im2colMethod {
 public:
  static bool applies(const ConvProblem& /*p*/) { return true; }
  explicit BlasMethod(const ConvProblem& p) : Im2colMethod(p) {}

 private:
  void forward_product(const Tensor& weight, float* y) override;
  void weight_gradient_product(const float* dz, Tensor& dweight) override;
  void input_gradient_product(const Tensor& weight, const float* dz) override;
};

}  // namespace cnn
