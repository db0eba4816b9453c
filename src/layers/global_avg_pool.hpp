// GlobalAvgPool: the mean of each channel's plane (Keras's GlobalAveragePooling2D).
//
//   x (N, C, H, W) -> y (N, C),  y[n, c] = Σ_hw x[n, c, h, w] / (H W)
//   backward  dx[n, c, h, w] = dy[n, c] / (H W)
// The plane sums go through sum8 (ops/channel_sums.hpp): 8 lanes, a fixed order.
#pragma once

#include "layers/layer.hpp"
#include "layers/layer_kind.hpp"

namespace cnn {

class GlobalAvgPool : public Layer {
 public:
  std::string kind() const override { return "global_avg_pool"; }
  std::string describe() const override { return ""; }
  Shape setup(const Shape& in) override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  bool backward_reads_input() const override { return false; }

 private:
  int channels_ = 0, positions_ = 0;  // C and H W
  Shape in_shape_;                    // (C, H, W)
  Tensor y_;                          // (N, C)
};

// "global_avg_pool", no options.
const LayerKind& global_avg_pool_layer_kind();

}  // namespace cnn
