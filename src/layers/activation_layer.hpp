// ActivationLayer: an element-wise activation as a layer of its own (relu, tanh, sigmoid,
// scaled_tanh, silu, gelu), for configs that list it separately. Formulas in ops/activation.hpp.
//
// For silu and gelu, whose derivatives need the input (activation_needs_input), backward reads
// the input x the caller keeps alive (layers/layer.hpp), and the output may go into a buffer the
// Net lends; the others read their own saved output and never the input.
#pragma once

#include "core/enum_table.hpp"
#include "layers/layer.hpp"
#include "layers/layer_kind.hpp"
#include "ops/activation.hpp"

namespace cnn {

// The gelu layer's `approximate` option, PyTorch's names: none (the exact erf form, the default)
// or tanh. Each names the activation it selects.
constexpr EnumTable<Activation, 2> kGeluApproximationNames{
    {{{Activation::kGelu, "none"}, {Activation::kGeluTanh, "tanh"}}}};

class ActivationLayer : public Layer {
 public:
  explicit ActivationLayer(Activation activation) : activation_(activation) {}
  // The layer kind: the activation's name, but "gelu" for gelu_tanh (gelu: {approximate: tanh}).
  std::string kind() const override;
  std::string describe() const override;  // "approximate tanh" for gelu_tanh, else empty
  Shape setup(const Shape& in) override { return in; }
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  bool backward_reads_input() const override { return activation_needs_input(activation_); }
  bool output_can_be_lent() const override { return activation_needs_input(activation_); }

 private:
  Activation activation_;
  const Tensor* x_ = nullptr;  // the last forward's input, read by backward where activation_needs_input
  Tensor y_;                   // same shape as the input, kept for backward (not for silu, gelu)
  Shape y_shape_;              // the last forward's output shape
};

// "relu", "tanh", "sigmoid", "scaled_tanh", "silu": one kind each, no options.
const LayerKind& relu_layer_kind();
const LayerKind& tanh_layer_kind();
const LayerKind& sigmoid_layer_kind();
const LayerKind& scaled_tanh_layer_kind();
const LayerKind& silu_layer_kind();
// "gelu": {approximate: none | tanh} (default none).
const LayerKind& gelu_layer_kind();

}  // namespace cnn
