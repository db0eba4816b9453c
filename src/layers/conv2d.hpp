// Conv2d: 2-D convolution (cross-correlation, as every framework computes it) with bias and an
// optional fused activation, as a matrix product, one sample at a time.
//
//   x (N, C, H, W), weight (F, C, kh, kw) [OIHW], bias (F), y (N, F, OH, OW)
//   forward   y_n(F x P)  = W(F x K) col_n(K x P) + b,  K = C*kh*kw, P = OH*OW, then act
//   backward  dz = dy * act'(y);  dW(F x K) += dz_n colᵀ_n;  db += Σ_P dz_n;
//             dcol(K x P) = Wᵀ dz_n;  dx_n = col2im(dcol)   (col2im adds, so dx is zeroed first)
//
// Three ways to run the products, fixed by setup from the shape (never by timing, so runs stay
// bit-reproducible; docs/performance.md has the measurements behind the rule):
//   kShiftedRows  stride 1 and few filters (LeNet's conv1): no im2col at all; the own kernels read
//                 the shifted rows of the once-padded sample in place (ops/shifted_rows.hpp).
//   kPositions    stride 1 and more filters (LeNet's conv2): forward and dW the same way with
//                 filters along the vector (ops/conv_positions.hpp); dx on the wide grid as
//                 kShiftedRows does.
//   kSmallGemm    few filters, any stride: im2col + the own kernels (ops/small_gemm.hpp), which
//                 beat OpenBLAS on these skinny shapes.
//   kBlas         otherwise (LeNet's conv2): im2col + OpenBLAS's sgemm.
// col_n is built for one sample at a time so it stays in cache, and rebuilt by backward rather
// than kept for the whole batch: rebuilding from cache is cheaper than storing megabytes.
//
// Padding: valid (OH = floor((H - kh) / sh) + 1), same (OH = ceil(H / sh), total padding
// max((OH - 1) sh + kh - H, 0) split with the extra row/column at the bottom/right, as TensorFlow
// does), or explicit (ph, pw) on both sides (OH = floor((H + 2 ph - kh) / sh) + 1).
#pragma once

#include <vector>

#include "core/enum_table.hpp"
#include "layers/layer.hpp"
#include "layers/layer_kind.hpp"
#include "ops/activation.hpp"
#include "ops/im2col.hpp"

namespace cnn {

enum class Padding { kValid, kSame, kExplicit };
constexpr EnumTable<Padding, 3> kPaddingNames{
    {{{Padding::kValid, "valid"}, {Padding::kSame, "same"}, {Padding::kExplicit, "explicit"}}}};

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
  // Stride-1 methods with ReLU or no activation: conv, bias, activation and 2x2 max pool in one
  // pass per sample, out of the product's own buffer.
  const Tensor* forward_max_pooled_2x2(const Tensor& x) override;

  const ConvGeometry& geometry() const { return geom_; }

 private:
  Conv2dConfig config_;
  ConvGeometry geom_;
  Tensor weight_;   // (F, C, kh, kw)
  Tensor bias_;     // (F)
  Tensor dweight_;  // (F, C, kh, kw)
  Tensor dbias_;    // (F)
  enum class Method { kShiftedRows, kPositions, kSmallGemm, kBlas };
  static constexpr int kSmallGemmMaxFilters = 8;
  Method method_ = Method::kBlas;  // set by setup
  const Tensor* x_ = nullptr;      // the last forward's input, read again by backward
  Tensor weight_t_;  // (K, F): Wᵀ for kSmallGemm's dcol; (K, fp) for kPositions' forward (fp = F rounded up to a vector)
  Tensor y_;         // (N, F, OH, OW)
  Tensor pooled_;    // (N, F, OH / 2, OW / 2): forward_max_pooled_2x2's output
  bool backward_ready_ = false;  // the last forward was in training mode (not inference, not the pooled one)
  Tensor dz_;        // (N, F, OH, OW): dy through the activation (unused by the stride-1 methods with ReLU)
  Tensor dx_;        // (N, C, H, W)
  // kSmallGemm and kBlas:
  Tensor col_;   // (K, P): one sample's columns
  Tensor dcol_;  // (K, P)
  // kShiftedRows and kPositions (WP = OW + kw - 1, WS = wide_stride; see ops/shifted_rows.hpp):
  std::vector<int> row_starts_;  // (K): where each row of col starts in padded_
  Tensor padded_;                // (N, padded_size): training's padded samples (one at inference); borders stay zero
  Tensor dpadded_;               // (padded_size)
  Tensor wide_dz_;               // (F, WS): dz on the wide grid; the extra positions stay zero
  std::vector<int> dx_order_;      // (K): col rows in (i, j, c) order, for the input gradient
  std::vector<int> dx_row_starts_; // (K): row_starts_ in that order
  Tensor weight_dx_;               // (K, F): Wᵀ with rows in that order
  // kShiftedRows:
  Tensor wide_;      // (F, OH * WP): forward's output on the wide grid
  Tensor rows_max_;  // (2 * (OW / 2)): pool_wide_sample's scratch row
  // kPositions (ops/conv_positions.hpp):
  std::vector<int> wide_places_;  // (P): each output position's place on the wide grid
  Tensor y_t_;        // (P, fp): one sample's output, filter-minor
  Tensor dz_t_;       // (P, fp): one sample's dz, filter-minor; the extra columns stay zero
  Tensor dweight_t_;  // (K, fp): the batch's dWᵀ
  void transpose_weight();
  void order_weight_for_input_gradient();
  void reserve_padded(int n);
  float* padded_sample(int s);
  void forward_sample(const float* x, float* y, float* padded);
  void product_sample(const float* x, float* padded);  // the stride-1 methods' raw product into wide_ or y_t_
  void pool_wide_sample(bool relu, float* out);
  void pool_positions_sample(bool relu, float* out);
  void weight_gradient_sample(const float* x, const float* dz);
  void stage_dz_sample(const float* y, const float* dy);  // y: ReLU's output, or nullptr when dy is dz
  void weight_gradient_sample_wide(const float* padded);
  void weight_gradient_sample_positions(const float* padded);
  void input_gradient_sample(const float* dz, float* dx);
  void input_gradient_sample_wide(float* dx);
};

// "conv": {filters, kernel, stride: 1, padding: valid | same | explicit (with pad) | n | [h, w],
// pad, activation: none} (conv2d_kind.cpp).
const LayerKind& conv_layer_kind();

}  // namespace cnn
