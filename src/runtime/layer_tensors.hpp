// A layer's tensor by its local name ("weight", "running_mean"): what the exports read the trained
// values from.
#pragma once

#include <string>

#include "layers/layer.hpp"

namespace cnn {

// The parameter or state tensor `local_name` of `layer` (named `layer_name` in the error, a
// kInternal one: a loaded model has every tensor its layers declare).
const Tensor& layer_tensor(Layer& layer, const std::string& local_name, const std::string& layer_name);

}  // namespace cnn
