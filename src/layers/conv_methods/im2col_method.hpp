// What the two im2col methods (small_gemm_method, blas_method) share: one sample's columns at a
// time, so they stay in cache, rebuilt by backward rather than kept for the whole batch
// (rebuilding from cache is cheaper than storing megabytes). ops/im2col.hpp has the layout, and
// the dilation.
//
// With G groups, col's rows for channel block g are one contiguous block (K = (C / G) kh kw
// rows), as are filter block g's rows of W, y and dz, so each group is one product on slices
// of the same buffers (G = 1: the whole matrices):
//
//   forward   y_n,g(F/G x P) = W_g(F/G x K) col_n,g(K x P) + b_g, then act   (b broadcast into y_n first)
//   backward  dz = dy * act'(y);  db += Σ_P dz_n;  dW_g(F/G x K) += dz_n,g col_n,gᵀ;
//             dcol_g(K x P) = W_gᵀ dz_n,g;  dx_n = col2im(dcol)   (col2im adds, so dx is zeroed first)
//
// Without a bias, y_n is not filled first: the product overwrites it, and db is not summed. The
// derived classes supply the three products for one group.
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

  // For group `group` of one sample, with f = F / G, k = K and p = P: w (f x k, ld k) and its
  // columns col (k x p, ld p); y, dz and dcol (ld p) likewise the group's rows.
  // y (f x p) = w col, or += with `accumulate`.
  virtual void forward_product(int group, const float* w, const float* col, float* y, bool accumulate) = 0;
  // dw (f x k) += dz col ᵀ.
  virtual void weight_gradient_product(int group, const float* dz, const float* col, float* dw) = 0;
  // Once per backward that computes dx, before input_gradient_product.
  virtual void begin_input_gradient(const Tensor& /*weight*/) {}
  // dcol (k x p) = wᵀ dz (overwritten).
  virtual void input_gradient_product(int group, const float* w, const float* dz, float* dcol) = 0;

  ConvGeometry g_;
  int filters_ = 0;
  int groups_ = 1;
  int group_filters_ = 0;  // F / G
  int group_rows_ = 0;     // K = (C / G) kh kw
  bool has_bias_ = true;
  Activation activation_ = Activation::kNone;
  Tensor col_;   // (C kh kw, P) = (G K, P): one sample's columns
  Tensor dcol_;  // (G K, P)

 private:
  Tensor dz_;  // (N, F, OH, OW): dy through the activation (none without one)
};

}  // namespace cnn
