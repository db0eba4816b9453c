// Flatten: (N, C, H, W) -> (N, C*H*W), C-major as NCHW memory already is, so it is a copy.
#pragma once

#include "layers/layer.hpp"
#include "layers/layer_kind.hpp"

namespace cnn {

class Flatten : public Layer {
 public:
  std::string kind() const override { return "flatten"; }
  std::string describe() const override { return ""; }
  Shape setup(const Shape& in) override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  bool backward_reads_input() const override { return false; }

 private:
  Shape in_shape_;  // per-sample
  Tensor y_;        // (N, C*H*W)
};

// "flatten", no options.
const LayerKind& flatten_layer_kind();

}  // namespace cnn
