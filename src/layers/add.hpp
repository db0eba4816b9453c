// Add: the element-wise sum of two or more earlier layers' outputs of one shape (a residual
// connection: Keras' Add, PyTorch's `x + shortcut`, ONNX's Add).
//
//   y = x_0 + x_1 + ... + x_{k-1}, summed in input order
//   backward  dL/dx_k = dy for every k (the same tensor: nothing is copied)
#pragma once

#include "layers/layer_kind.hpp"
#include "layers/multi_input_layer.hpp"

namespace cnn {

class Add : public MultiInputLayer {
 public:
  std::string kind() const override { return "add"; }
  std::string describe() const override { return ""; }
  Shape setup_inputs(const std::vector<Shape>& in) override;
  const Tensor& forward_inputs(const std::vector<const Tensor*>& x, Mode mode) override;
  const std::vector<const Tensor*>& backward_inputs(const Tensor& dy) override;
  bool backward_reads_input() const override { return false; }
  bool output_can_be_lent() const override { return true; }

 private:
  Shape shape_;      // per sample, every input's and the output's
  Shape out_shape_;  // the last forward's output (batch included)
  std::vector<const Tensor*> dx_;
};

// "add": no options of its own; its inputs are the graph's (`add: {from: [a, b]}` in a config).
const LayerKind& add_layer_kind();

}  // namespace cnn
