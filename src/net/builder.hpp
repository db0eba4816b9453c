// Builds a Net from a ModelSpec through an explicit table of layer kinds, sets it up for the
// spec's input shape, and (optionally) initialises its weights.
#pragma once

#include <memory>

#include "core/rng.hpp"
#include "net/model_spec.hpp"
#include "net/net.hpp"

namespace cnn {

std::unique_ptr<Net> build_net(const ModelSpec& spec);

}  // namespace cnn
