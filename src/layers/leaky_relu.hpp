// LeakyRelu: y = x for x > 0, slope x otherwise (Keras's LeakyReLU, PyTorch's negative_slope);
// dx = dy for x > 0, slope dy otherwise. slope in [0, 1): y > 0 exactly where x > 0, so backward
// reads the sign from y.
#pragma once

#include "layers/layer.hpp"
#include "layers/layer_kind.hpp"

namespace cnn {

struct LeakyReluConfig {
  double slope = 0.01;
};

class LeakyRelu : public Layer {
 public:
  explicit LeakyRelu(const LeakyReluConfig& config);
  std::string kind() const override { return "leaky_relu"; }
  std::string describe() const override;
  Shape setup(const Shape& in) override { return in; }
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  bool backward_reads_input() const override { return false; }

 private:
  float slope_;
  Tensor y_;   // same shape as the input
};

// "leaky_relu": {slope: 0.01} (slope in [0, 1), default 0.01).
const LayerKind& leaky_relu_layer_kind();

}  // namespace cnn
