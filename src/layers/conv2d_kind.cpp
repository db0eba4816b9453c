// The "conv" layer kind: its options' schema and canonical form (layers/layer_kind.hpp).
//
//   config file   conv: {filters: 6, kernel: 5, stride: 1, padding: same, activation: relu}
//                 kernel and stride: n or [h, w]; padding: valid (default), same, n or [h, w]
//   model file    {"filters": 6, "kernel": [5, 5], "stride": [1, 1], "padding": "same",
//                  "pad": [0, 0], "activation": "relu"}   (padding "explicit" takes "pad")
// Both go through read_conv below, so they accept the same values within the same limits.
#include "layers/conv2d.hpp"

namespace cnn {
namespace {

Conv2dConfig read_conv(const LayerOptions& o) {
  o.allow_only({"filters", "kernel", "stride", "padding", "pad", "activation"});
  Conv2dConfig c;
  c.filters = o.integer("filters", 1, kMaxLayerSize);
  std::tie(c.kernel_h, c.kernel_w) = o.int_pair("kernel", 1, kMaxLayerSize);
  if (o.has("stride")) std::tie(c.stride_h, c.stride_w) = o.int_pair("stride", 1, kMaxLayerSize);
  if (o.has("padding") && !o.is_word("padding")) {
    c.padding = Padding::kExplicit;
    std::tie(c.pad_h, c.pad_w) = o.int_pair("padding", 0, kMaxLayerSize);
    if (o.has("pad")) o.fail("pad", "goes with padding: explicit only");
  } else if (o.has("padding")) {
    const std::string name = o.word("padding");
    if (!kPaddingNames.parse(name, &c.padding))
      o.fail("padding", "expected same, valid, an integer or a [height, width] pair, got '" + name + "'");
    if (c.padding == Padding::kExplicit) {
      std::tie(c.pad_h, c.pad_w) = o.int_pair("pad", 0, kMaxLayerSize);
    } else if (o.has("pad")) {
      // Model files record pad [0, 0] beside same and valid; anything else means a confused file.
      if (o.int_pair("pad", 0, kMaxLayerSize) != std::pair<int, int>{0, 0}) o.fail("pad", "goes with padding: explicit only");
    }
  } else if (o.has("pad")) {
    o.fail("pad", "goes with padding: explicit only");
  }
  if (o.has("activation")) c.activation = o.choice("activation", kActivationNames, "activation");
  return c;
}

nlohmann::json write_conv(const Conv2dConfig& c) {
  return {{"filters", c.filters},
          {"kernel", {c.kernel_h, c.kernel_w}},
          {"stride", {c.stride_h, c.stride_w}},
          {"padding", kPaddingNames.name(c.padding)},
          {"pad", {c.pad_h, c.pad_w}},
          {"activation", activation_name(c.activation)}};
}

}  // namespace

const LayerKind& conv_layer_kind() {
  static const LayerKind kind = layer_kind<Conv2d>("conv", read_conv, write_conv);
  return kind;
}

}  // namespace cnn
