// Conv2d: 2-D convolution (cross-correlation, as every framework computes it) with bias and an
// optional fused activation, by im2col + matrix product, one sample at a time.
//
//   x (N, C, H, W), weight (F, C, kh, kw) [OIHW], bias (F), y (N, F, OH, OW)
//   forward   y_n(F x P)  = W(F x K) col_n(K x P) + b,  K = C*kh*kw, P = OH*OW, then act
//   backward  dz = dy * act'(y);  dW(F x K) += dz_n colᵀ_n;  db += Σ_P dz_n;
//             dcol(K x P) = Wᵀ dz_n;  dx_n = col2im(dcol)   (col2im adds, so dx is zeroed first)
//
// The products use ops/small_gemm.hpp for layers with few filters (OpenBLAS is slow on those
// skinny shapes) and OpenBLAS's sgemm otherwise. col_n is built
// for one sample at a time so it stays in cache, and rebuilt by backward rather than kept for
// the whole batch: rebuilding from cache is cheaper than storing megabytes.
//
// Padding: valid (OH = floor((H - kh) / sh) + 1), same (OH = ceil(H / sh), total padding
// max((OH - 1) sh + kh - H, 0) split with the extra row/column at the bottom/right, as TensorFlow
// does), or explicit (ph, pw) on both sides (OH = floor((H + 2 ph - kh) / sh) + 1).
#pragma once

#include "layers/layer.hpp"
#include "ops/activation.hpp"
#include "ops/im2col.hpp"

namespace cnn {

enum class Padding { kValid, kSame, kExplicit };

struct Conv2dConfig {
  int filters = 1;
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  Padding padding = Padding::kValid;
  int pad_h = 0, pad_w = 0;  // only for Padding::kExplicit
  Activation activation = Activation::kNone;
};

class Conv2d : public Layer {
 public:
  explicit Conv2d(const Conv2dConfig& config);
  std::string kind() const override { return "conv"; }
  std::string describe() const override;
  Shape setup(const Shape& in) override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  std::vector<Param> params() override;

  const ConvGeometry& geometry() const { return geom_; }

 private:
  Conv2dConfig config_;
  ConvGeometry geom_;
  Tensor weight_;   // (F, C, kh, kw)
  Tensor bias_;     // (F)
  Tensor dweight_;  // (F, C, kh, kw)
  Tensor dbias_;    // (F)
  static constexpr int kSmallGemmMaxFilters = 8;
  bool small_gemm_ = false;    // which matrix product this layer uses (set by setup)
  const Tensor* x_ = nullptr;  // the last forward's input, read again by backward
  Tensor col_;      // (K, P): one sample's columns
  Tensor weight_t_; // (K, F): Wᵀ for dcol
  Tensor y_;        // (N, F, OH, OW)
  Tensor dz_;       // (N, F, OH, OW): dy through the activation
  Tensor dcol_;     // (K, P)
  Tensor dx_;       // (N, C, H, W)
};

}  // namespace cnn
