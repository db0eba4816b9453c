// ModelSpec JSON form and the reference LeNet-5. The JSON is what model files store:
//   {"input": [1, 28, 28], "init": "he_normal", "layers": [
//     {"kind": "conv", "filters": 6, "kernel": [5, 5], "stride": [1, 1], "padding": "same",
//      "pad": [0, 0], "activation": "relu"},
//     {"kind": "pool", "type": "max", "size": [2, 2], "stride": [2, 2]},
//     {"kind": "flatten"}, {"kind": "dense", "units": 120, "activation": "relu"}, ...]}
// Since model format version 3 every layer also records "name" and "inputs" ("conv1", ["input"]).
// Reading treats the JSON as untrusted: each layer's options go through its kind's schema.
#include "net/model_spec.hpp"

#include "core/error.hpp"
#include "net/json_layer_options.hpp"
#include "net/layer_graph.hpp"
#include "net/layer_registry.hpp"

namespace cnn {

using nlohmann::json;

LayerSpec read_layer_spec(const std::string& kind, const LayerOptions& options) {
  const LayerKind* k = find_layer_kind(kind);
  CNN_CHECK_CODE(k != nullptr, ExitCode::kUsage, "unknown layer kind '{}' (expected {})", kind, layer_kind_names());
  return LayerSpec(kind, k->canonical(options));
}

json to_json(const ModelSpec& spec) {
  json layers = json::array();
  for (const LayerSpec& l : spec.layers) {
    json j = {{"kind", l.kind}, {"name", l.name}, {"inputs", l.inputs}};
    for (const auto& item : l.options.items()) j[item.key()] = item.value();
    layers.push_back(j);
  }
  return {{"input", spec.input.dims()}, {"init", kInitNames.name(spec.init)}, {"layers", layers}};
}

ModelSpec model_spec_from_json(const json& j, GraphCheck check) {
  CNN_CHECK_CODE(j.is_object(), ExitCode::kModel, "architecture: not a JSON object");
  ModelSpec spec;
  CNN_CHECK_CODE(j.contains("input") && j["input"].is_array() && j["input"].size() == 3, ExitCode::kModel,
                 "architecture: 'input' must be [channels, height, width]");
  std::vector<int> dims;
  for (std::size_t i = 0; i < 3; ++i) {
    const json wrapped = {{"input", j["input"][i]}};
    dims.push_back(JsonLayerOptions(wrapped, "model").integer("input", 1, kMaxInputSize));
  }
  spec.input = Shape(dims);
  CNN_CHECK_CODE(j.contains("init") && j["init"].is_string(), ExitCode::kModel, "architecture: 'init' must be a string");
  const std::string init = j["init"].get<std::string>();
  CNN_CHECK_CODE(kInitNames.parse(init, &spec.init), ExitCode::kModel, "architecture: unknown init '{}' (expected {})", init,
                 kInitNames.names());
  CNN_CHECK_CODE(j.contains("layers") && j["layers"].is_array() && !j["layers"].empty(), ExitCode::kModel,
                 "architecture: 'layers' must be a non-empty array");
  CNN_CHECK_CODE(j["layers"].size() <= kMaxLayers, ExitCode::kModel, "architecture: {} layers is more than the limit of {}",
                 j["layers"].size(), kMaxLayers);
  for (std::size_t i = 0; i < j["layers"].size(); ++i) {
    const json& lj = j["layers"][i];
    const std::string where = "layer " + std::to_string(i + 1);
    CNN_CHECK_CODE(lj.is_object(), ExitCode::kModel, "architecture: {} is not an object", where);
    CNN_CHECK_CODE(lj.contains("kind") && lj["kind"].is_string(), ExitCode::kModel, "architecture: {}.kind must be a string",
                   where);
    const std::string kind = lj["kind"].get<std::string>();
    CNN_CHECK_CODE(find_layer_kind(kind) != nullptr, ExitCode::kModel, "architecture: {} has unknown kind '{}'", where, kind);
    json options = lj;
    options.erase("kind");
    std::string name;
    std::vector<std::string> inputs;
    if (lj.contains("name")) {
      CNN_CHECK_CODE(lj["name"].is_string(), ExitCode::kModel, "architecture: {}.name must be a string", where);
      name = lj["name"].get<std::string>();
      options.erase("name");
    }
    if (lj.contains("inputs")) {
      const json& list = lj["inputs"];
      CNN_CHECK_CODE(list.is_array() && !list.empty() && list.size() <= kMaxLayers, ExitCode::kModel,
                     "architecture: {}.inputs must be a non-empty array of layer names", where);
      for (const json& input : list) {
        CNN_CHECK_CODE(input.is_string(), ExitCode::kModel, "architecture: {}.inputs must hold layer names", where);
        inputs.push_back(input.get<std::string>());
      }
      options.erase("inputs");
    }
    LayerSpec layer = read_layer_spec(kind, JsonLayerOptions(options, where));
    layer.name = std::move(name);
    layer.inputs = std::move(inputs);
    spec.layers.push_back(std::move(layer));
  }
  if (const auto problem = complete_graph(spec.layers, check))
    CNN_FAIL(ExitCode::kModel, "architecture: layer {}.{}: {}", problem->layer + 1,
             problem->key == "name" ? "name" : "inputs", problem->what);
  return spec;
}

ModelSpec lenet5_spec() {
  // Written as a model file would hold it, and read back through the same schemas.
  const json architecture = json::parse(R"({"input": [1, 28, 28], "init": "he_normal", "layers": [
      {"kind": "conv", "filters": 6, "kernel": [5, 5], "stride": [1, 1], "padding": "same", "pad": [0, 0], "activation": "relu"},
      {"kind": "pool", "type": "max", "size": [2, 2], "stride": [2, 2]},
      {"kind": "conv", "filters": 16, "kernel": [5, 5], "stride": [1, 1], "padding": "valid", "pad": [0, 0], "activation": "relu"},
      {"kind": "pool", "type": "max", "size": [2, 2], "stride": [2, 2]},
      {"kind": "flatten"},
      {"kind": "dense", "units": 120, "activation": "relu"},
      {"kind": "dense", "units": 84, "activation": "relu"},
      {"kind": "dense", "units": 10, "activation": "none"}]})");
  return model_spec_from_json(architecture);
}

}  // namespace cnn
