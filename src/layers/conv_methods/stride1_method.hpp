// What the two stride-1 methods (shifted_rows_method, positions_method) share: no im2col. Each
// sample is zero-padded once into (C, HP, WP) planes, where every row of the im2col matrix is a run
// of memory starting at row_starts_[p] (ops/shifted_rows.hpp has the layout and the wide grid of
// OH x WP positions). Forward keeps the batch's padded samples for backward's dW; backward stages
// dz on the wide grid and adds Wᵀ dz straight into a padded image for dx:
//
//   dz_wide(F x WS) = dz on the wide grid (extra positions zero);  db += Σ dz_wide
//   dpadded[start(p) + q] += (Wᵀ dz_wide)[p][q];  dx = the image inside dpadded
//
// The forward product and dW differ by method (the derived classes).
#pragma once

#include <vector>

#include "layers/conv_methods/conv_method.hpp"

namespace cnn {

class Stride1Method : public ConvMethodImpl {
 public:
  // Stride 1, and the padded sample and the wide grid of bounded size: a very wide kernel over a
  // narrow output would blow them up, so such layers keep im2col.
  static bool applies(const ConvProblem& p);
  // With ReLU or no activation: bias, activation and a 2x2 max pool out of the product's buffer.
  bool has_max_pooled_2x2() const override;

 protected:
  explicit Stride1Method(const ConvProblem& p);

  // Room for n padded samples in padded_, border zero. It only grows (a new Tensor is
  // zero-filled), so a training step allocates nothing.
  void reserve_padded(int n);
  float* padded_sample(int s) { return padded_.data() + static_cast<std::size_t>(s) * padded_.shape()[1]; }
  // Backward's start: dz_ = dy * act'(y) for the whole batch unless the activation is ReLU, whose
  // mask stage_dz_sample applies per sample instead; and weight_dx_ when dx is wanted.
  void begin_backward(const Tensor& y, const Tensor& dy, const Tensor& weight, bool input_gradient);
  // Sample s's dz onto wide_dz_ (the extra positions stay zero); dbias += its sums.
  void stage_dz_sample(int s, const Tensor& y, const Tensor& dy, Tensor& dbias);
  // dx (C, H, W) of one sample from wide_dz_ (begin_backward ordered the weights).
  void input_gradient_sample(float* dx);

  ConvGeometry g_;
  int filters_ = 0;
  Activation activation_ = Activation::kNone;
  std::vector<int> row_starts_;  // (K): where each row of col starts in a padded sample
  Tensor padded_;                // (N, padded_size): training's padded samples (one at inference); borders stay zero
  Tensor wide_dz_;               // (F, WS): one sample's dz on the wide grid (WS = wide_stride); the extra positions stay zero

 private:
  void order_weight_for_input_gradient(const Tensor& weight);
  void stage_dz_rows(const float* y, const float* dz, float* dbias);

  Tensor dz_;                       // (N, F, OH, OW): dy through an activation other than ReLU
  Tensor dpadded_;                  // (padded_size): one sample's dx inside its padding
  std::vector<int> dx_order_;       // (K): col rows in (i, j, c) order, for the input gradient
  std::vector<int> dx_row_starts_;  // (K): row_starts_ in that order
  Tensor weight_dx_;                // (K, F): Wᵀ with rows in that order
};

// The fused pool's four-way maximum in Pool2d's order of comparisons (NaN and -0 included).
inline float max4(float v00, float v01, float v10, float v11) {
  float v = v00;
  v = v01 > v ? v01 : v;
  v = v10 > v ? v10 : v;
  return v11 > v ? v11 : v;
}

}  // namespace cnn
