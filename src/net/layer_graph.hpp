// The graph a network's layers form (docs/architecture.md, "Networks as graphs"): every layer has
// a name and reads the outputs of earlier layers (or the network's input, named "input"); the
// last layer's output is the network's output. A chain is the graph where each layer reads the
// one before, which is what a layer without an explicit input reads.
//
// Both readers (the YAML config and the model file's JSON) fill a ModelSpec's layers, then call
// complete_graph, which gives the defaults and checks the rules below, so that one file cannot be
// accepted by one reader and refused by the other:
//   - a name is 1-64 characters of letters, digits, '_' and '-', unique, never "input";
//     an unnamed layer is named after its kind and its rank among layers of that kind ("conv2");
//   - a layer reads only earlier layers: a graph in file order has no cycles;
//   - add and concat read two or more layers, every other kind exactly one;
//   - every layer but the last is read by some layer (an output nothing reads is a mistake).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cnn {

struct LayerSpec;

constexpr const char* kNetworkInputName = "input";
constexpr int kNetworkInput = -1;  // a resolved input: the network's input, not a layer

struct GraphProblem {
  std::size_t layer;  // index of the layer at fault
  std::string key;    // "name" or "input" (the key the reader's message should point at)
  std::string what;
};

// 1-64 letters, digits, '_' or '-' (uniqueness and "input" are complete_graph's to check).
bool is_valid_layer_name(const std::string& name);

// Fills empty names and empty input lists, then checks the rules; the first problem found, if any.
// kUnfinished skips the last rule, for the first layers of a network still being read.
enum class GraphCheck { kWhole, kUnfinished };
std::optional<GraphProblem> complete_graph(std::vector<LayerSpec>& layers, GraphCheck check = GraphCheck::kWhole);

// Each layer's inputs as indices of earlier layers (kNetworkInput for the network's input), for
// layers that passed complete_graph.
std::vector<std::vector<int>> resolve_inputs(const std::vector<LayerSpec>& layers);

}  // namespace cnn
