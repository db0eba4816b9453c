// complete_graph and resolve_inputs: see layer_graph.hpp.
#include "net/layer_graph.hpp"

#include <fmt/format.h>

#include <cctype>
#include <map>

#include "core/error.hpp"
#include "net/layer_registry.hpp"
#include "net/model_spec.hpp"

namespace cnn {
namespace {

constexpr std::size_t kMaxNameLength = 64;

}  // namespace

bool is_valid_layer_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

namespace {

std::string quoted(const std::string& name) {
  return name.size() > kMaxNameLength ? "'" + name.substr(0, kMaxNameLength) + "...'" : "'" + name + "'";
}

}  // namespace

std::optional<GraphProblem> complete_graph(std::vector<LayerSpec>& layers, GraphCheck check) {
  // Automatic names first, so that a later explicit name can collide with an earlier automatic one.
  std::map<std::string, int> rank;
  for (LayerSpec& l : layers) {
    const int r = ++rank[l.kind];
    if (l.name.empty()) l.name = l.kind + std::to_string(r);
  }
  std::map<std::string, std::size_t> index;  // name -> layer
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string& name = layers[i].name;
    if (!is_valid_layer_name(name))
      return GraphProblem{i, "name", fmt::format("{} is not a layer name (1-{} letters, digits, '_' or '-')", quoted(name),
                                                 kMaxNameLength)};
    if (name == kNetworkInputName)
      return GraphProblem{i, "name", "'input' names the network's input; choose another name for the layer"};
    const auto [at, fresh] = index.emplace(name, i);
    if (!fresh) return GraphProblem{i, "name", fmt::format("'{}' is already the name of layer {}", name, at->second + 1)};
  }
  std::vector<bool> read(layers.size(), false);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    LayerSpec& l = layers[i];
    const LayerKind* kind = find_layer_kind(l.kind);
    const int max_inputs = kind != nullptr ? kind->max_inputs : 1;
    const std::string key = max_inputs > 1 ? "from" : "input";
    if (l.inputs.empty()) {
      if (max_inputs > 1) return GraphProblem{i, key, fmt::format("{} needs the names of the layers it joins", l.kind)};
      l.inputs.push_back(i == 0 ? kNetworkInputName : layers[i - 1].name);
    }
    if (max_inputs == 1 && l.inputs.size() != 1)
      return GraphProblem{i, key, fmt::format("{} reads one layer, not {}", l.kind, l.inputs.size())};
    if (max_inputs > 1 && (l.inputs.size() < 2 || l.inputs.size() > static_cast<std::size_t>(max_inputs)))
      return GraphProblem{i, key, fmt::format("{} joins at least two layers, got {}", l.kind, l.inputs.size())};
    for (const std::string& input : l.inputs) {
      if (input == kNetworkInputName) continue;
      const auto found = index.find(input);
      if (found == index.end())
        return GraphProblem{i, key, fmt::format("no layer is named {} (names: the network's 'input' or an earlier layer's)",
                                                quoted(input))};
      if (found->second == i) return GraphProblem{i, key, fmt::format("layer '{}' cannot read itself (a cycle)", input)};
      if (found->second > i)
        return GraphProblem{i, key,
                            fmt::format("'{}' is layer {}, after this one: a layer reads only earlier layers (no cycles)",
                                        input, found->second + 1)};
      read[found->second] = true;
    }
  }
  for (std::size_t i = 0; i + 1 < layers.size(); ++i)
    if (!read[i] && check == GraphCheck::kWhole)
      return GraphProblem{i, "name",
                          fmt::format("no layer reads the output of '{}' (only the last layer's output is the network's)",
                                      layers[i].name)};
  return std::nullopt;
}

std::vector<std::vector<int>> resolve_inputs(const std::vector<LayerSpec>& layers) {
  std::map<std::string, int> index;
  for (std::size_t i = 0; i < layers.size(); ++i) index[layers[i].name] = static_cast<int>(i);
  std::vector<std::vector<int>> inputs(layers.size());
  for (std::size_t i = 0; i < layers.size(); ++i)
    for (const std::string& input : layers[i].inputs) {
      if (input == kNetworkInputName) {
        inputs[i].push_back(kNetworkInput);
        continue;
      }
      const auto found = index.find(input);
      CNN_CHECK(found != index.end() && found->second < static_cast<int>(i), "layer {}: input '{}' is not an earlier layer",
                i + 1, input);
      inputs[i].push_back(found->second);
    }
  return inputs;
}

}  // namespace cnn
