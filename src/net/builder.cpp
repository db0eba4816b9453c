// The builder: each layer from its kind in the registry (net/layer_registry.cpp).
#include "net/builder.hpp"

#include "core/error.hpp"
#include "net/json_layer_options.hpp"
#include "net/layer_registry.hpp"

namespace cnn {

std::unique_ptr<Net> build_net(const ModelSpec& spec) {
  auto net = std::make_unique<Net>();
  for (std::size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerSpec& layer = spec.layers[i];
    const LayerKind* kind = find_layer_kind(layer.kind);
    CNN_CHECK_CODE(kind != nullptr, ExitCode::kUsage, "unknown layer kind '{}'", layer.kind);
    net->add(kind->make(JsonLayerOptions(layer.options, "layer " + std::to_string(i + 1))));
  }
  net->setup(spec.input);
  return net;
}

}  // namespace cnn
