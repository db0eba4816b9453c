// Concat: two or more earlier layers' outputs joined along channels (Keras' Concatenate, torch.cat
// on dim 1, ONNX's Concat on axis 1). Inputs are (C_k, H, W) with one H and W, or flat (C_k).
//
//   y[n] = [x_0[n]; x_1[n]; ...]   channels of x_0 first
//   backward  dL/dx_k = the slice of dy that x_k filled
#pragma once

#include "layers/layer_kind.hpp"
#include "layers/multi_input_layer.hpp"

namespace cnn {

class Concat : public MultiInputLayer {
 public:
  std::string kind() const override { return "concat"; }
  std::string describe() const override { return ""; }
  Shape setup_inputs(const std::vector<Shape>& in) override;
  const Tensor& forward_inputs(const std::vector<const Tensor*>& x, Mode mode) override;
  const std::vector<const Tensor*>& backward_inputs(const Tensor& dy) override;
  bool backward_reads_input() const override { return false; }

 private:
  std::vector<Shape> in_;             // per sample, each input's shape
  std::vector<std::size_t> sizes_;    // per sample, each input's element count
  std::size_t out_size_ = 0;          // per sample, the sum
  Shape out_;
  Tensor y_;
  std::vector<Tensor> dx_;            // one per input
  std::vector<const Tensor*> dx_views_;
};

// "concat": no options of its own; its inputs are the graph's (`concat: {from: [a, b]}`).
const LayerKind& concat_layer_kind();

}  // namespace cnn
