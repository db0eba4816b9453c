// What the two stride-1 methods (shifted_rows_method, positions_method) share: no im2col. Each
// sample is zero-padded once into (C, HP, WP) planes, where every row of the im2col matrix is a run
// of memory starting at row_starts_[p] (ops/shifted_rows.hpp has the layout and the wide grid of
// OH x WP positions). Forward keeps the batch's padded samples for backward's dW; backward stages
// dz on the wide grid and adds Wᵀ dz straight into a padded image for dx:
//
//   dz_wide(F x WS) = dz on the wide grid (extra positions zero);  db += Σ dz_wide
//   dpadded[start(p) + q] += (Wᵀ dz_wide)[p][q];  dx = the image inside dpadded
//
// The forward product and dW differ by method (the derived classes); the loops over the batch are
// written here once, for the plain passes and for the passes fused with a 2x2 max pool.
//
// Fused with a following 2x2, stride-2 max pool (Net fuses them in training as at inference), the
// layer's own output y is never written: forward pools straight out of the product's buffer and
// records, for every window, which of its four inputs won (ops/fused_pool.hpp); backward puts each
// pooled gradient back at that input on the wide grid, where the plain passes would have gone
// through y, Pool2d's dx and the activation's mask. The numbers are those of the plain passes bit
// for bit (tests/test_conv2d.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "layers/conv_methods/conv_method.hpp"

namespace cnn {

class Stride1Method : public ConvMethodImpl {
 public:
  // Stride 1, groups 1 (any dilation), and the padded sample and the wide grid of bounded size: a
  // very wide kernel over a narrow output would blow them up, so such layers keep im2col.
  static bool applies(const ConvProblem& p);
  // With ReLU or no activation: bias, activation and a 2x2 max pool out of the product's buffer.
  bool has_max_pooled_2x2() const override;
  void forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Mode mode, Tensor& y) override;
  void backward(const Tensor& x, const Tensor& y, const Tensor& dy, const Tensor& weight, Tensor& dweight, Tensor& dbias,
                Tensor* dx) override;
  void forward_max_pooled_2x2(const Tensor& x, const Tensor& weight, const Tensor& bias, Mode mode, Tensor& pooled,
                              std::int32_t* choice) override;
  void backward_max_pooled_2x2(const Tensor& x, const Tensor& dpooled, const std::int32_t* choice, const Tensor& weight, Tensor& dweight,
                               Tensor& dbias, Tensor* dx) override;

 protected:
  explicit Stride1Method(const ConvProblem& p);

  // What each method does its own way, called by the loops here:
  // Before a batch's products: put the weights in the order the method's kernels read.
  virtual void prepare_weight(const Tensor& /*weight*/) {}
  // x (C, H, W) padded into `padded`, then the product of one sample into the method's buffer,
  // without bias or activation.
  virtual void product_sample(const float* x, const Tensor& weight, float* padded) = 0;
  // y (F, OH, OW) of the sample in the product's buffer, bias and activation included.
  virtual void output_sample(const float* bias, float* y) = 0;
  // The pooled (F, OH / 2, OW / 2) output of the sample in the product's buffer, bias and activation
  // included; with `choice` not null also each window's choice (ops/fused_pool.hpp), in the same order.
  virtual void pool_sample(const Tensor& bias, float* pooled, std::int32_t* choice) = 0;
  // Around a batch's dW: start it (zero the method's own buffer) and add it into dweight.
  virtual void begin_weight_gradient() {}
  virtual void end_weight_gradient(Tensor& /*dweight*/) {}
  // Once a sample's dz is on wide_dz_ and the sample is padded again in padded(): its dW and,
  // with dx not null, its dx (C, H, W).
  virtual void backward_staged_sample(Tensor& dweight, float* dx) = 0;

  // One padded sample, border zero. Backward pads each sample again rather than keeping the
  // batch's padded copies from forward: a copy per sample, against a whole input's memory per layer.
  float* padded() { return padded_.data(); }
  // Backward's start: dz_ = dy * act'(y) for the whole batch unless the activation is ReLU, whose
  // mask stage_dz_sample applies per sample instead, or none (dz is dy); and weight_dx_ when dx
  // is wanted.
  void begin_backward(const Tensor& y, const Tensor& dy, const Tensor& weight, bool input_gradient);
  // Sample s's dz onto wide_dz_ (the extra positions stay zero); dbias += its sums, unless bias-free.
  void stage_dz_sample(int s, const Tensor& y, const Tensor& dy, Tensor& dbias);
  // dx (C, H, W) of one sample from wide_dz_ (begin_backward ordered the weights).
  void input_gradient_sample(float* dx);
  // Sample s's dz onto wide_dz_ from the gradient of its pooled output (F, OH / 2, OW / 2) and the
  // windows' choices; dbias += its sums, unless bias-free.
  void stage_pooled_dz_sample(const float* dpooled, const std::int32_t* choice, Tensor& dbias);

  ConvGeometry g_;
  int filters_ = 0;
  Activation activation_ = Activation::kNone;
  bool has_bias_ = true;
  std::vector<int> row_starts_;  // (K): where each row of col starts in a padded sample
  Tensor padded_;                // (padded_size): one padded sample; the border stays zero
  Tensor wide_dz_;               // (F, WS): one sample's dz on the wide grid (WS = wide_stride); the extra positions stay zero

 private:
  void order_weight_for_input_gradient(const Tensor& weight);
  void stage_dz_rows(const float* y, const float* dz, float* dbias);

  Tensor no_bias_;                  // (F): -0.0f, a bias-free layer's bias in output_sample and pool_sample
  Tensor dz_;                       // (N, F, OH, OW): dy through an activation other than ReLU
  Tensor dpadded_;                  // (padded_size): one sample's dx inside its padding
  std::vector<int> dx_order_;       // (K): col rows in (i, j, c) order, for the input gradient
  std::vector<int> dx_row_starts_;  // (K): row_starts_ in that order
  Tensor weight_dx_;                // (K, F): Wᵀ with rows in that order
};

}  // namespace cnn
