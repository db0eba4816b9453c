// ConvMethod::kPositions: stride 1 and more filters (LeNet's conv2: 16 filters, two AVX2 vectors).
// Forward and dW run the position-major kernels of ops/conv_positions.hpp, filters along the
// vector and output positions (from a table of places on the wide grid) along the tile, reading
// the padded sample in place: no im2col and no wasted positions. dx runs on the wide grid as
// stride1_method.hpp has it. fp = F rounded up to a whole vector; the extra filters are zero.
//
//   forward   y_t(P x fp) = colᵀ Wᵀ;  y = act(y_tᵀ + b)           (one transpose per sample)
//   backward  dz_t(P x fp) = dz_wideᵀ at the output places;
//             dWᵀ(K x fp) += col dz_t over the batch, added into dW once per batch
#pragma once

#include <vector>

#include "layers/conv_methods/stride1_method.hpp"

namespace cnn {

class PositionsMethod : public Stride1Method {
 public:
  static bool applies(const ConvProblem& p) { return Stride1Method::applies(p); }
  explicit PositionsMethod(const ConvProblem& p);

 private:
  int fp() const { return weight_t_.shape()[1]; }
  void prepare_weight(const Tensor& weight) override;  // weight_t_ = Wᵀ
  void product_sample(const float* x, const Tensor& weight, float* padded) override;
  void output_sample(const float* bias, float* y) override;
  void pool_sample(const Tensor& bias, float* pooled, std::int32_t* choice) override;
  void begin_weight_gradient() override;
  void end_weight_gradient(Tensor& dweight) override;
  void backward_staged_sample(Tensor& dweight, float* dx) override;

  std::vector<int> wide_places_;  // (P): each output position's place on the wide grid
  Tensor weight_t_;               // (K, fp): Wᵀ; the extra filter columns stay zero
  Tensor y_t_;                    // (P, fp): one sample's product, filter-minor, without bias
  Tensor dz_t_;                   // (P, fp): one sample's dz, filter-minor; the extra columns stay zero
  Tensor dweight_t_;              // (K, fp): the batch's dWᵀ
  Tensor bias_t_;                 // (fp): the bias, the extra filters' 0, for the pool
};

}  // namespace cnn
