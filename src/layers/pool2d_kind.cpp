// The "pool" layer kind: its options' schema and canonical form (layers/layer_kind.hpp).
//
//   config file   pool: {type: max, size: 2, stride: 2, padding: same}   size and stride: n or
//                 [h, w]; type defaults to max, stride to the window, padding to valid
//   model file    {"type": "max", "size": [2, 2], "stride": [2, 2], "padding": "valid"}
//                 (files written before same padding have no "padding": valid)
#include "layers/pool2d.hpp"

namespace cnn {
namespace {

Pool2dConfig read_pool(const LayerOptions& o) {
  o.allow_only({"type", "size", "stride", "padding"});
  Pool2dConfig c;
  if (o.has("type")) c.type = o.choice("type", kPoolTypeNames, "pool type");
  std::tie(c.kernel_h, c.kernel_w) = o.int_pair("size", 1, kMaxLayerSize);
  c.stride_h = c.kernel_h;
  c.stride_w = c.kernel_w;
  if (o.has("stride")) std::tie(c.stride_h, c.stride_w) = o.int_pair("stride", 1, kMaxLayerSize);
  if (o.has("padding")) {
    const std::string name = o.is_word("padding") ? o.word("padding") : std::string("a number");
    if (!kPaddingNames.parse(name, &c.padding) || c.padding == Padding::kExplicit)
      o.fail("padding", "expected valid or same, got '" + name.substr(0, 64) + "'");
  }
  return c;
}

nlohmann::json write_pool(const Pool2dConfig& c) {
  return {{"type", kPoolTypeNames.name(c.type)},
          {"size", {c.kernel_h, c.kernel_w}},
          {"stride", {c.stride_h, c.stride_w}},
          {"padding", kPaddingNames.name(c.padding)}};
}

}  // namespace

const LayerKind& pool_layer_kind() {
  static const LayerKind kind = layer_kind<Pool2d>("pool", read_pool, write_pool);
  return kind;
}

}  // namespace cnn
