// The layer kinds cnn knows, in one explicit table (layer_registry.cpp): no static
// self-registration, so the list of kinds is one place a reader can see.
#pragma once

#include <string>
#include <vector>

#include "layers/layer_kind.hpp"

namespace cnn {

// nullptr for an unknown name.
const LayerKind* find_layer_kind(const std::string& name);
// "conv, pool, dense, ...": for messages listing the known kinds.
std::string layer_kind_names();
// Every kind's name, in the registry's order (tests that must cover every kind iterate it).
std::vector<std::string> layer_kind_list();

}  // namespace cnn
