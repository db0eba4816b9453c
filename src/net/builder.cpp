// The builder: "conv" -> Conv2d, "pool" -> Pool2d, ... one explicit table, no self-registration.
#include "net/builder.hpp"

#include <functional>
#include <map>

#include "core/error.hpp"
#include "layers/activation_layer.hpp"
#include "layers/conv2d.hpp"
#include "layers/flatten.hpp"

namespace cnn {
namespace {

using Factory = std::function<std::unique_ptr<Layer>(const LayerSpec&)>;

const std::map<std::string, Factory>& layer_table() {
  static const std::map<std::string, Factory> table = {
      {"conv", [](const LayerSpec& s) { return std::make_unique<Conv2d>(s.conv); }},
      {"pool", [](const LayerSpec& s) { return std::make_unique<Pool2d>(s.pool); }},
      {"dense", [](const LayerSpec& s) { return std::make_unique<Dense>(s.dense); }},
      {"flatten", [](const LayerSpec&) { return std::make_unique<Flatten>(); }},
      {"relu", [](const LayerSpec&) { return std::make_unique<ActivationLayer>(Activation::kRelu); }},
      {"tanh", [](const LayerSpec&) { return std::make_unique<ActivationLayer>(Activation::kTanh); }},
      {"sigmoid", [](const LayerSpec&) { return std::make_unique<ActivationLayer>(Activation::kSigmoid); }},
      {"scaled_tanh", [](const LayerSpec&) { return std::make_unique<ActivationLayer>(Activation::kScaledTanh); }},
  };
  return table;
}

}  // namespace

bool is_known_layer_kind(const std::string& kind) { return layer_table().count(kind) > 0; }

std::unique_ptr<Net> build_net(const ModelSpec& spec) {
  auto net = std::make_unique<Net>();
  for (const LayerSpec& layer : spec.layers) {
    const auto it = layer_table().find(layer.kind);
    CNN_CHECK_CODE(it != layer_table().end(), ExitCode::kUsage, "unknown layer kind '{}'", layer.kind);
    net->add(it->second(layer));
  }
  net->setup(spec.input);
  return net;
}

}  // namespace cnn
