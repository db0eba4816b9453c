// What the two im2col methods (small_gemm_method, blas_method) share: one sample's columns at a
// time, so they stay in cache, rebuilt by backward rather than kept for the whole batch
// (rebuilding from cache is cheaper than storing megabytes). ops/im2col.hpp has the layout.
//
//   forward   y_n(F x P) = W(F x K) col_n(K x P) + b, then act   (b broadcast into y_n first)
//   backward  dz = dy * act'(y);  db += Σ_P dz_n;  dW(F x K) += dz_n col_nᵀ;
//             dcol(K x P) = Wᵀ dz_n;  dx_n = col2im(dcol)   (col2im adds, so dx is zeroed first)
//
// The derived classes supply the three products.
#pragma once

#include "layers/conv_methods/conv_method.hpp"

namespace cnn {

class Im2colMethod : public ConvMethodImpl {
 public:
  void forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Mode mode, Tensor& y) override;
  void backward(const Tensor& x, const Tensor& y, const Tensor& dy, const Tensor& weight, Tensor& dweight, Tensor& dbias,
                Tensor* dx) override;

 protected:
  explicit Im2colMethod(const ConvProblem& p);

  // y(F x P) += W col_ for one sample.
  virtual void forward_product(const Tensor& weight, float* y) = 0;
  // dW(F x K) += dz col_ᵀ for one sample.
  virtual void weight_gradient_product(const float* dz, Tensor& dweight) = 0;
  // Once per backward that computes dx, before input_gradient_product.
  virtual void begin_input_gradient(const Tensor& /*weight*/) {}
  // dcol_ = Wᵀ dz for one sample (overwritten).
  virtual void input_gradient_product(const Tensor& weight, const float* dz) = 0;

  ConvGeometry g_;
  int filters_ = 0;
  Activation activation_ = Activation::kNone;
  Tensor col_;   // (K, P): one sample's columns
  Tensor dcol_;  // (K, P)

 private:
  Tensor dz_;  // (N, F, OH, OW): dy through the activation
};

}  // namespace cnn
