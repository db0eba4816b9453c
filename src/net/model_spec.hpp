// ModelSpec: a network's architecture as data: input shape, layers in order (each with its name
// and the layers it reads: net/layer_graph.hpp), initializer.
// The config reader produces it, the builder turns it into a Net, and the model file stores it
// (as JSON) so that eval and predict need nothing else.
//
// A layer is its kind's name and its options in canonical form (the JSON object a model file
// stores, layers/layer_kind.hpp); whichever reader made a spec, its kind's schema checked it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "layers/layer_options.hpp"
#include "net/initializer.hpp"
#include "net/layer_graph.hpp"

namespace cnn {

// Limits both readers apply to an architecture.
constexpr int kMaxInputSize = 4096;     // channels, height and width of the input
constexpr std::size_t kMaxLayers = 1000;

struct LayerSpec {
  LayerSpec() = default;
  LayerSpec(std::string kind_name, nlohmann::json canonical_options, std::string layer_name = {},
            std::vector<std::string> layer_inputs = {})
      : kind(std::move(kind_name)),
        options(std::move(canonical_options)),
        name(std::move(layer_name)),
        inputs(std::move(layer_inputs)) {}

  std::string kind;        // a name in net/layer_registry.cpp: "conv", "pool", ...
  nlohmann::json options;  // canonical: {"filters": 6, "kernel": [5, 5], ...}; {} for flatten
  std::string name;        // unique: "conv1", "block2_add"; filled by complete_graph when empty
  std::vector<std::string> inputs;  // names of earlier layers or "input"; complete_graph's default: the layer before
};

struct ModelSpec {
  Shape input;  // per sample, (C, H, W)
  std::vector<LayerSpec> layers;
  Init init = Init::kHeNormal;
};

// A layer of a known kind from options in either reader's form, checked by the kind's schema;
// throws (through `options`) naming the key at fault. Unknown kinds throw kUsage; callers that
// know the file's terms check find_layer_kind first.
LayerSpec read_layer_spec(const std::string& kind, const LayerOptions& options);

// Every layer with its "name" and "inputs" (model format version 3, docs/model-format.md).
nlohmann::json to_json(const ModelSpec& spec);
// Throws cnn::Error(kModel) naming the field when the JSON is not a valid architecture. Layers
// without "name" and "inputs" (model versions 1 and 2) form a chain with automatic names.
// kUnfinished: the first layers of a network still being put together (net/layer_graph.hpp).
ModelSpec model_spec_from_json(const nlohmann::json& json, GraphCheck check = GraphCheck::kWhole);

// LeNet-5 in its modern form (docs/behaviour.md, "LeNet-5"): 61,706 parameters for a 1x28x28 input.
ModelSpec lenet5_spec();

}  // namespace cnn
