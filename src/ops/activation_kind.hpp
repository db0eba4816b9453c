// The activations a layer can apply (formulas in ops/activation.hpp) and their names: a header
// without the vector kernels, for code that only names an activation (configs, schemas).
#pragma once

#include "core/enum_table.hpp"

namespace cnn {

enum class Activation { kNone, kRelu, kTanh, kSigmoid, kScaledTanh, kSilu, kGelu, kGeluTanh };

// Every value, for tests that go through them all.
constexpr Activation kActivations[] = {Activation::kNone, Activation::kRelu, Activation::kTanh,
                                       Activation::kSigmoid, Activation::kScaledTanh,
                                       Activation::kSilu, Activation::kGelu, Activation::kGeluTanh};

// "linear" is Keras's name for no activation; "none" is printed. "gelu_tanh" is PyTorch's
// GELU(approximate='tanh'), the `gelu: {approximate: tanh}` layer as a conv's or dense layer's
// activation.
constexpr EnumTable<Activation, 9> kActivationNames{{{{Activation::kRelu, "relu"},
                                                      {Activation::kTanh, "tanh"},
                                                      {Activation::kSigmoid, "sigmoid"},
                                                      {Activation::kScaledTanh, "scaled_tanh"},
                                                      {Activation::kSilu, "silu"},
                                                      {Activation::kGelu, "gelu"},
                                                      {Activation::kGeluTanh, "gelu_tanh"},
                                                      {Activation::kNone, "none"},
                                                      {Activation::kNone, "linear"}}}};
inline const char* activation_name(Activation act) { return kActivationNames.name(act); }

// Whether the derivative needs the activation's input x, not only its output y (silu, gelu): the
// layers that apply one keep x for backward (activation_backward_from_input). The others are
// written in terms of y (activation_backward), so a layer keeps only its output.
constexpr bool activation_needs_input(Activation act) {
  return act == Activation::kSilu || act == Activation::kGelu || act == Activation::kGeluTanh;
}

}  // namespace cnn
