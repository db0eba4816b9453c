// The "dense" layer kind: its options' schema and canonical form (layers/layer_kind.hpp).
//
//   config file   dense: {units: 120, activation: relu}   activation defaults to none
//   model file    {"units": 120, "activation": "relu"}
#include "layers/dense.hpp"

namespace cnn {
namespace {

DenseConfig read_dense(const LayerOptions& o) {
  o.allow_only({"units", "activation"});
  DenseConfig c;
  c.units = o.integer("units", 1, kMaxLayerSize);
  if (o.has("activation")) c.activation = o.choice("activation", kActivationNames, "activation");
  return c;
}

nlohmann::json write_dense(const DenseConfig& c) { return {{"units", c.units}, {"activation", activation_name(c.activation)}}; }

}  // namespace

const LayerKind& dense_layer_kind() {
  static const LayerKind kind = layer_kind<Dense>("dense", read_dense, write_dense);
  return kind;
}

}  // namespace cnn
