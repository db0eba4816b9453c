// Conv2d: 2-D convolution (cross-correlation, as every framework computes it) with an optional
// bias and an optional fused activation, as a matrix product, one sample at a time. Groups and
// dilation are PyTorch's (Conv2d's groups and dilation).
//
//   x (N, C, H, W), weight (F, C/G, kh, kw) [OIHW], bias (F), y (N, F, OH, OW), G groups
//   forward   y_n,g(F/G x P) = W_g(F/G x K) col_n,g(K x P) + b_g,  K = (C/G)*kh*kw, P = OH*OW, then act
//   backward  dz = dy * act'(y);  dW_g(F/G x K) += dz_n,g col_n,gᵀ;  db += Σ_P dz_n;
//             dcol_g(K x P) = W_gᵀ dz_n,g;  dx_n = col2im(dcol)
//
// with filter block g (F/G filters) reading channel block g (C/G channels) only; G = 1 is the
// plain convolution, G = C depthwise. C and F must both be multiples of G. A dilated kernel
// (dilation dh, dw) reads taps dh rows and dw columns apart, spanning the extent
// eh = (kh - 1) dh + 1 by ew = (kw - 1) dw + 1 (ops/im2col.hpp). Bias-free (bias: false): no bias
// parameter at all, no bias added, no db.
//
// Conv2d holds the parameters and their gradients, the geometry and the config; the products run
// in one of five methods (layers/conv2d_config.hpp, ConvMethod; each in layers/conv_methods/),
// picked by setup from the shape by one fixed rule (choose_conv_method in
// conv_methods/conv_method.cpp), never by timing, so runs stay bit-reproducible:
//   shifted_rows  stride 1, groups 1, few filters (LeNet's conv1): no im2col, the padded sample read in place
//   positions     stride 1, groups 1, more filters (LeNet's conv2): position-major kernels, no im2col
//   small_gemm    other strides or groups, few filters per group: im2col + the own small-matrix kernels
//   blas          other strides or groups, more filters per group: im2col + OpenBLAS
//   naive         plain loops over the definition: the reference, only when forced
// Every method takes any dilation; grouped layers run small_gemm, blas or naive (one product per
// group). Tests can force any method that applies to the shape (the second constructor).
//
// The activations whose derivative needs their input (silu, gelu: activation_needs_input in
// ops/activation_kind.hpp) are applied by Conv2d itself, not by the method, which then computes
// z = W ⋆ x + b with no activation: in training into z_, kept for backward (dz = dy * act'(z)),
// at inference straight into y. Only these layers hold z_; the other activations run inside the
// methods as before, and only they (ReLU or none) have the fused 2x2 max pool.
//
// Padding, with the kernel's extent e (= k without dilation): valid (OH = floor((H - eh) / sh) + 1),
// same (OH = ceil(H / sh), total padding max((OH - 1) sh + eh - H, 0) split with the extra
// row/column at the bottom/right, as TensorFlow does), or explicit (ph, pw) on both sides
// (OH = floor((H + 2 ph - eh) / sh) + 1).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "layers/conv2d_config.hpp"
#include "layers/layer.hpp"
#include "layers/layer_kind.hpp"
#include "ops/im2col.hpp"

namespace cnn {

class ConvMethodImpl;

class Conv2d : public Layer {
 public:
  explicit Conv2d(const Conv2dConfig& config);
  // Runs `forced` instead of the rule's choice; setup throws when it does not apply to the shape.
  Conv2d(const Conv2dConfig& config, ConvMethod forced);
  ~Conv2d() override;
  std::string kind() const override { return "conv"; }
  std::string describe() const override;
  Shape setup(const Shape& in) override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  std::uint64_t macs_per_sample() const override;  // F (C/G) kh kw OH OW
  PositionMap output_positions() const override {
    return {static_cast<double>(geom_.stride_h), -geom_.pad_top + (geom_.extent_h() - 1) / 2.0,
            static_cast<double>(geom_.stride_w), -geom_.pad_left + (geom_.extent_w() - 1) / 2.0};
  }
  std::vector<Param> params() override;            // weight, and bias unless bias-free
  // Stride-1 methods (groups 1) with ReLU or no activation: conv, bias, activation and 2x2 max
  // pool in one pass per sample, out of the product's own buffer (y is not written); nullptr
  // elsewhere. Its backward puts each pooled gradient straight back where the pool took its value
  // from.
  const Tensor* forward_max_pooled_2x2(const Tensor& x, Mode mode) override;
  const Tensor& backward_max_pooled_2x2(const Tensor& dpooled) override;
  bool can_fuse_max_pool_2x2() const override;

  const ConvGeometry& geometry() const { return geom_; }
  ConvMethod method() const { return method_; }  // set by setup

 private:
  Conv2dConfig config_;
  std::optional<ConvMethod> forced_;
  ConvMethod method_ = ConvMethod::kNaive;  // set by setup
  std::unique_ptr<ConvMethodImpl> impl_;    // the method's buffers and products, made by setup
  ConvGeometry geom_;
  Tensor weight_;   // (F, C/G, kh, kw)
  Tensor bias_;     // (F); empty when bias-free
  Tensor dweight_;  // (F, C/G, kh, kw)
  Tensor dbias_;    // (F); empty when bias-free
  const Tensor* x_ = nullptr;    // the last forward's input, read again by backward
  bool backward_ready_ = false;         // the last forward was forward, in training mode
  bool pooled_backward_ready_ = false;  // the last forward was forward_max_pooled_2x2, in training mode
  Tensor y_;                            // (N, F, OH, OW)
  Tensor z_;   // (N, F, OH, OW): the pre-activation, kept by a training forward for silu and gelu only
  Tensor dz_;  // (N, F, OH, OW): dy through silu or gelu (dy * act'(z)), handed to the method
  Tensor pooled_;                       // (N, F, OH / 2, OW / 2): forward_max_pooled_2x2's output
  std::vector<std::int32_t> pool_choice_;  // (N, F, OH / 2, OW / 2): which input each window took (training)
};

// "conv": {filters, kernel, stride: 1, padding: valid | same | explicit (with pad) | n | [h, w],
// pad, activation: none, groups: 1, dilation: 1, bias: true} (conv2d_kind.cpp).
const LayerKind& conv_layer_kind();

}  // namespace cnn
