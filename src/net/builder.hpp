// Builds a Net from a ModelSpec through the explicit table of layer kinds (net/layer_registry.cpp)
// and sets it up for the spec's input shape. It leaves the weights to its caller: the trainer draws
// them (net/initializer.hpp), loading a model file or importing an ONNX graph copies tensors in.
#pragma once

#include <memory>

#include "net/model_spec.hpp"
#include "net/net.hpp"

namespace cnn {

std::unique_ptr<Net> build_net(const ModelSpec& spec);

}  // namespace cnn
