// Net: a sequential chain of layers. Shapes are inferred from the input shape; parameters are
// exposed by name ("conv1.weight") for optimizers and model files. The network's output is the
// logits; softmax lives in the loss (runtime/softmax_cross_entropy.hpp) and at inference.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "layers/layer.hpp"

namespace cnn {

class Net {
 public:
  // Appends a layer, named after its kind and its rank among layers of that kind ("conv2").
  void add(std::unique_ptr<Layer> layer);
  // Sets every layer up for a per-sample input shape, e.g. (1, 28, 28); returns the output shape.
  Shape setup(const Shape& input);

  const Tensor& forward(const Tensor& x, Mode mode);
  // Backpropagates dL/dlogits; adds into parameter gradients and returns dL/dx of the input.
  const Tensor& backward(const Tensor& dlogits);
  void zero_grad();
  // Whether backward computes dL/dx of the network's input (gradient checks need it; training
  // does not).
  void set_input_gradient(bool needed) { layers_.front()->set_input_gradient(needed); }

  const std::vector<Param>& params() const { return params_; }
  // Every layer's non-trainable state ("bn1.running_mean"), in layer order.
  const std::vector<Param>& state() const { return state_; }
  // Tells every layer about the training step to come (layers that draw random numbers need it).
  void set_step(const StepContext& step);
  // Gives every layer the reducer that combines whole-batch sums across replicas (null: none).
  void set_batch_reducer(BatchReducer* reducer);
  std::size_t parameter_count() const;
  std::size_t layer_count() const { return layers_.size(); }
  Layer& layer(std::size_t i) { return *layers_[i]; }
  const std::string& layer_name(std::size_t i) const { return names_[i]; }
  // Per-sample output shape of layer i (valid after setup).
  const Shape& layer_output_shape(std::size_t i) const { return shapes_[i]; }
  const Shape& input_shape() const { return input_shape_; }
  const Shape& output_shape() const { return output_shape_; }
  // A table of layers, output shapes and parameter counts, one layer per line.
  std::string summary() const;

 private:
  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<std::string> names_;
  std::vector<Shape> shapes_;   // per-sample output shape of each layer
  std::vector<Param> params_;   // full names, in layer order
  std::vector<Param> state_;    // full names, in layer order
  Shape input_shape_, output_shape_;
  std::vector<bool> fused_with_next_;  // per layer: the last forward ran it fused with the pool after it
};

}  // namespace cnn
