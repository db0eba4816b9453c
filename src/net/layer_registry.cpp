// The table of layer kinds. Adding a layer kind: its own files (layers/<kind>.hpp/.cpp with a
// `const LayerKind& <kind>_layer_kind()`), one line here, its tests.
#include "net/layer_registry.hpp"

#include <vector>

#include "layers/activation_layer.hpp"
#include "layers/add.hpp"
#include "layers/batch_norm.hpp"
#include "layers/concat.hpp"
#include "layers/conv2d.hpp"
#include "layers/dense.hpp"
#include "layers/dropout.hpp"
#include "layers/flatten.hpp"
#include "layers/global_avg_pool.hpp"
#include "layers/global_max_pool.hpp"
#include "layers/leaky_relu.hpp"
#include "layers/pool2d.hpp"

namespace cnn {
namespace {

const std::vector<const LayerKind*>& layer_kinds() {
  static const std::vector<const LayerKind*> kinds = {
      &conv_layer_kind(),
      &pool_layer_kind(),
      &dense_layer_kind(),
      &flatten_layer_kind(),
      &relu_layer_kind(),
      &tanh_layer_kind(),
      &sigmoid_layer_kind(),
      &scaled_tanh_layer_kind(),
      &silu_layer_kind(),
      &gelu_layer_kind(),
      &leaky_relu_layer_kind(),
      &batch_norm_layer_kind(),
      &dropout_layer_kind(),
      &global_avg_pool_layer_kind(),
      &global_max_pool_layer_kind(),
      &add_layer_kind(),
      &concat_layer_kind(),
  };
  return kinds;
}

}  // namespace

const LayerKind* find_layer_kind(const std::string& name) {
  for (const LayerKind* kind : layer_kinds())
    if (kind->name == name) return kind;
  return nullptr;
}

std::vector<std::string> layer_kind_list() {
  std::vector<std::string> names;
  for (const LayerKind* kind : layer_kinds()) names.push_back(kind->name);
  return names;
}

std::string layer_kind_names() {
  std::string list;
  for (const LayerKind* kind : layer_kinds()) list += (list.empty() ? "" : ", ") + kind->name;
  return list;
}

}  // namespace cnn
