// The network as a diagram for the report: an inline SVG, one box per layer in config order
// (name, kind and configuration, output shape), a short arrow where a layer reads the one
// before, and an arc on the right for every other connection (a skip connection, a branch read
// by name), each arc in its own lane so that nested blocks stay apart.
#pragma once

#include <string>

#include "net/net_summary.hpp"

namespace cnn {

std::string network_diagram_svg(const NetSummary& network);

}  // namespace cnn
