// The activation functions as a config names them, without their kernels (ops/activation.hpp),
// so that a layer's config struct can name one without pulling in the vector code.
#pragma once

#include <string>

namespace cnn {

enum class Activation { kNone, kRelu, kTanh, kSigmoid, kScaledTanh };

// "relu", "tanh", "sigmoid", "scaled_tanh", "none" (or "linear"); nullptr-safe parse returns false on unknown.
bool parse_activation(const std::string& name, Activation* out);
const char* activation_name(Activation act);

}  // namespace cnn
