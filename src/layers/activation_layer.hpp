// ActivationLayer: an element-wise activation as a layer of its own (relu, tanh, sigmoid,
// scaled_tanh), for configs that list it separately. Formulas in ops/activation.hpp.
#pragma once

#include "layers/layer.hpp"
#include "layers/layer_kind.hpp"
#include "ops/activation.hpp"

namespace cnn {

class ActivationLayer : public Layer {
 public:
  explicit ActivationLayer(Activation activation) : activation_(activation) {}
  std::string kind() const override { return activation_name(activation_); }
  std::string describe() const override { return ""; }
  Shape setup(const Shape& in) override { return in; }
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;

 private:
  Activation activation_;
  Tensor y_;   // same shape as the input
  Tensor dx_;  // same shape as the input
};

// "relu", "tanh", "sigmoid", "scaled_tanh": one kind each, no options.
const LayerKind& relu_layer_kind();
const LayerKind& tanh_layer_kind();
const LayerKind& sigmoid_layer_kind();
const LayerKind& scaled_tanh_layer_kind();

}  // namespace cnn
