// The builder: each layer from its kind in the registry (net/layer_registry.cpp), wired as the
// spec's graph says (net/layer_graph.hpp).
#include "net/builder.hpp"

#include "core/error.hpp"
#include "net/json_layer_options.hpp"
#include "net/layer_graph.hpp"
#include "net/layer_registry.hpp"

namespace cnn {

std::unique_ptr<Net> build_net(const ModelSpec& spec) {
  // Both readers complete the graph; a spec written by code (tests, the ONNX importer) may leave
  // names and inputs to the defaults. The rule that every output is read is the readers' (a
  // network being put together, by the config reader or the importer, is built before it holds).
  std::vector<LayerSpec> layers = spec.layers;
  if (const auto problem = complete_graph(layers, GraphCheck::kUnfinished))
    CNN_FAIL(ExitCode::kUsage, "layer {}: {}: {}", problem->layer + 1, problem->key, problem->what);
  const std::vector<std::vector<int>> inputs = resolve_inputs(layers);
  auto net = std::make_unique<Net>();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerSpec& layer = layers[i];
    const LayerKind* kind = find_layer_kind(layer.kind);
    CNN_CHECK_CODE(kind != nullptr, ExitCode::kUsage, "unknown layer kind '{}'", layer.kind);
    net->add(kind->make(JsonLayerOptions(layer.options, "layer " + std::to_string(i + 1))), layer.name, inputs[i]);
  }
  net->setup(spec.input);
  return net;
}

}  // namespace cnn
