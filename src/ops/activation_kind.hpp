// The activations a layer can apply (formulas in ops/activation.hpp) and their names: a header
// without the vector kernels, for code that only names an activation (configs, schemas).
#pragma once

#include "core/enum_table.hpp"

namespace cnn {

enum class Activation { kNone, kRelu, kTanh, kSigmoid, kScaledTanh };

// "linear" is Keras's name for no activation; "none" is printed.
constexpr EnumTable<Activation, 6> kActivationNames{{{{Activation::kRelu, "relu"},
                                                      {Activation::kTanh, "tanh"},
                                                      {Activation::kSigmoid, "sigmoid"},
                                                      {Activation::kScaledTanh, "scaled_tanh"},
                                                      {Activation::kNone, "none"},
                                                      {Activation::kNone, "linear"}}}};
inline const char* activation_name(Activation act) { return kActivationNames.name(act); }

}  // namespace cnn
