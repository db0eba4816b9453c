// LayerKind: everything the rest of cnn needs to know about one kind of layer, declared in the
// layer's own files and listed once in the registry (net/layer_registry.cpp):
//
//   name        the config and model-file name ("conv")
//   canonical   reads and checks the options (the kind's schema, layers/layer_options.hpp) and
//               returns them in canonical form: the JSON object a model file stores
//   make        builds the layer from its options
//   max_inputs  how many earlier layers it may read: 1 for most, kManyInputs for add and concat
//               (which need at least two; their layers are MultiInputLayer)
//
// The rest of a kind's contract is the Layer interface itself (layers/layer.hpp): its summary line
// (describe), its trainable parameters and how each starts (params), its non-trainable state
// (state), its randomness (set_step).
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "layers/layer.hpp"
#include "layers/layer_options.hpp"

namespace cnn {

constexpr int kManyInputs = 1 << 16;

struct LayerKind {
  std::string name;
  std::function<nlohmann::json(const LayerOptions&)> canonical;
  std::function<std::unique_ptr<Layer>(const LayerOptions&)> make;
  int max_inputs = 1;
};

// A kind from its config reader, its canonical writer and the layer's constructor.
template <typename L, typename Config>
LayerKind layer_kind(std::string name, Config (*read)(const LayerOptions&), nlohmann::json (*write)(const Config&)) {
  return {std::move(name), [read, write](const LayerOptions& o) { return write(read(o)); },
          [read](const LayerOptions& o) -> std::unique_ptr<Layer> { return std::make_unique<L>(read(o)); }, 1};
}

// A kind without options (flatten, relu, ...).
inline LayerKind option_free_layer_kind(std::string name, std::function<std::unique_ptr<Layer>()> make) {
  return {std::move(name),
          [](const LayerOptions& o) {
            o.allow_only({});
            return nlohmann::json::object();
          },
          [make](const LayerOptions& o) {
            o.allow_only({});
            return make();
          },
          1};
}

}  // namespace cnn
