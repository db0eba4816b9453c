// GlobalMaxPool: the maximum of each channel's plane (Keras's GlobalMaxPooling2D; PyTorch's
// AdaptiveMaxPool2d(1) then flatten).
//
//   x (N, C, H, W) -> y (N, C),  y[n, c] = max_hw x[n, c, h, w]
//   backward  dx[n, c, h, w] = dy[n, c] at the plane's first maximum in row-major order (the
//             lowest index on ties, as torch.max returns it), 0 elsewhere
// A plane holding a NaN gives NaN, and its gradient goes to its first NaN (torch.max's rule;
// PyTorch's adaptive_max_pool2d sends it to the last NaN). The places come from
// first_max_index (ops/first_max.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "layers/layer.hpp"
#include "layers/layer_kind.hpp"

namespace cnn {

class GlobalMaxPool : public Layer {
 public:
  std::string kind() const override { return "global_max_pool"; }
  std::string describe() const override { return ""; }
  Shape setup(const Shape& in) override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  bool backward_reads_input() const override { return false; }

 private:
  int channels_ = 0, positions_ = 0;  // C and H W
  Shape in_shape_;                    // (C, H, W)
  bool backward_ready_ = false;       // the last forward was in training mode
  std::vector<std::int32_t> argmax_;  // (N, C): each plane's first maximum, h W + w (training)
  Tensor y_;                          // (N, C)
};

// "global_max_pool", no options.
const LayerKind& global_max_pool_layer_kind();

}  // namespace cnn
