// BatchNorm: batch normalisation with PyTorch's semantics (BatchNorm2d after a conv, BatchNorm1d
// after a dense layer), so that results compare with PyTorch directly.
//
//   x (N, C, H, W) or (N, C): channel c's values are the N x P elements x[n, c, :] (P = H W, or 1)
//   training   M = N P over the WHOLE batch (every replica, core/batch_reducer.hpp)
//              mean_c = Σ x / M,  var_c = Σ (x - mean_c)^2 / M          (biased)
//              xhat = (x - mean_c) / sqrt(var_c + eps),  y = gamma_c xhat + beta_c
//              running_mean = (1 - momentum) running_mean + momentum mean_c
//              running_var  = (1 - momentum) running_var  + momentum var_c M / (M - 1)   (unbiased)
//   inference  xhat = (x - running_mean_c) / sqrt(running_var_c + eps)
//   backward   dbeta_c += Σ dy,  dgamma_c += Σ dy xhat          (this replica's samples: the
//              replicas' parameter gradients are summed afterwards like every other layer's)
//              dx = gamma_c / sqrt(var_c + eps) (dy - Σ dy / M - xhat Σ (dy xhat) / M)   (Σ: whole batch)
//
// One collective in forward (M, Σ (x - k), Σ (x - k)^2 per channel, with k the running mean, the
// same on every replica: see ops/channel_sums.hpp) and one in backward (Σ dy, Σ dy xhat).
// A batch with a single value per channel (M = 1) has no unbiased variance: PyTorch refuses it;
// here it normalises to beta and leaves the running statistics unchanged.
//
// Tensors: weight = gamma (C, starts at 1), bias = beta (C, starts at 0), neither under weight
// decay; state running_mean (C, 0) and running_var (C, 1), never touched by the optimizer.
#pragma once

#include <vector>

#include "layers/layer.hpp"
#include "layers/layer_kind.hpp"

namespace cnn {

struct BatchNormConfig {
  double momentum = 0.1;
  double eps = 1e-5;
};

class BatchNorm : public Layer {
 public:
  explicit BatchNorm(const BatchNormConfig& config);
  std::string kind() const override { return "batch_norm"; }
  std::string describe() const override;
  Shape setup(const Shape& in) override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  std::vector<Param> params() override;
  std::vector<Param> state() override;
  void set_batch_reducer(BatchReducer* reducer) override { reducer_ = reducer; }
  bool output_can_be_lent() const override { return true; }  // backward reads x, not y

 private:
  void batch_statistics(const Tensor& x);  // fills mean_, inv_std_ (and the running statistics)
  // xhat = (x - mean_c) * inv_std_c with the last training forward's statistics, the one formula
  // forward and backward share.
  float normalized(float x, std::size_t channel) const { return (x - mean_[channel]) * inv_std_[channel]; }
  void normalize_row(const float* x, std::size_t count, std::size_t channel, float* xhat) const;

  BatchNormConfig config_;
  BatchReducer* reducer_ = nullptr;
  Shape in_shape_;
  int channels_ = 0, positions_ = 0;  // C and P
  Tensor gamma_, beta_, dgamma_, dbeta_;     // (C)
  Tensor running_mean_, running_var_;        // (C)
  std::vector<double> sums_;                 // (1 + 2C): M, Σ (x - k), Σ (x - k)^2; then (2C) in backward
  std::vector<float> mean_, inv_std_;        // (C): the last training forward's statistics
  double batch_count_ = 0;                   // M of the last training forward
  std::vector<float> scale_, shift_;         // (C): inference's y = scale x + shift
  std::vector<float> mean_dy_, mean_dy_xhat_, dx_factor_;  // (C): backward's Σ dy / M, Σ dy xhat / M, gamma / std
  // xhat is not kept from forward to backward (a whole activation's memory): backward computes it
  // again from the input, with the same operations, so the numbers are those forward used.
  const Tensor* x_ = nullptr;                // the last forward's input, when a backward follows
  std::vector<float> xhat_row_;              // (P): xhat of one sample's channel
  bool backward_ready_ = false;
  bool running_statistics_ = false;          // the last forward used them (Mode::kInferWithGradient)
  // backward after an inference forward: y = scale x + shift, so dx = scale dy.
  const Tensor& backward_with_running_statistics(const Tensor& dy);
};

// "batch_norm": {momentum: 0.1, eps: 0.00001}, both optional (batch_norm.cpp).
const LayerKind& batch_norm_layer_kind();

}  // namespace cnn
