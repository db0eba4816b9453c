// The "conv" layer kind: its options' schema and canonical form (layers/layer_kind.hpp).
//
//   config file   conv: {filters: 6, kernel: 5, stride: 1, padding: same, activation: relu}
//                 kernel and stride: n or [h, w]; padding: valid (default), same, n or [h, w];
//                 groups: g (default 1), dilation: n or [h, w] (default 1), bias: false (default true),
//                 init: whitening (default: the model's initializer), trainable: false (default true)
//   model file    {"filters": 6, "kernel": [5, 5], "stride": [1, 1], "padding": "same",
//                  "pad": [0, 0], "activation": "relu"}   (padding "explicit" takes "pad")
//                 and, only where they differ from the default, "groups": 2, "dilation": [2, 1],
//                 "bias": false, "init": "whitening", "trainable": false: files of layers
//                 without them stay byte for byte what they were
// Both go through read_conv below, so they accept the same values within the same limits.
#include <algorithm>
#include <cstdint>
#include <string>

#include "layers/conv2d.hpp"

namespace cnn {
namespace {

Conv2dConfig read_conv(const LayerOptions& o) {
  o.allow_only({"filters", "kernel", "stride", "padding", "pad", "activation", "groups", "dilation", "bias", "init",
                "trainable"});
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
  if (o.has("groups")) {
    c.groups = o.integer("groups", 1, kMaxLayerSize);
    // The input channels are known only at setup, which checks them (Conv2d::setup).
    if (c.filters % c.groups != 0)
      o.fail("groups", std::to_string(c.groups) + " does not divide the " + std::to_string(c.filters) + " filters");
  }
  if (o.has("dilation")) {
    std::tie(c.dilation_h, c.dilation_w) = o.int_pair("dilation", 1, kMaxLayerSize);
    // The dilated kernel's extent, (k - 1) d + 1, is a size like the kernel's, under the same cap.
    const std::int64_t extent_h = std::int64_t(c.kernel_h - 1) * c.dilation_h + 1;
    const std::int64_t extent_w = std::int64_t(c.kernel_w - 1) * c.dilation_w + 1;
    if (std::max(extent_h, extent_w) > kMaxLayerSize)
      o.fail("dilation", "the dilated kernel would span " + std::to_string(std::max(extent_h, extent_w)) +
                             " pixels, more than the limit of " + std::to_string(kMaxLayerSize));
  }
  if (o.has("bias")) c.bias = o.boolean("bias");
  if (o.has("init")) {
    const std::string name = o.word("init");
    if (name != "whitening") o.fail("init", "expected whitening (or no init: the model's initializer), got '" + name + "'");
    if (c.groups != 1 || c.dilation_h != 1 || c.dilation_w != 1)
      o.fail("init", "whitening needs a plain conv (groups 1, dilation 1)");
    c.whitening_init = true;
  }
  if (o.has("trainable")) c.trainable = o.boolean("trainable");
  return c;
}

nlohmann::json write_conv(const Conv2dConfig& c) {
  nlohmann::json j = {{"filters", c.filters},
                      {"kernel", {c.kernel_h, c.kernel_w}},
                      {"stride", {c.stride_h, c.stride_w}},
                      {"padding", kPaddingNames.name(c.padding)},
                      {"pad", {c.pad_h, c.pad_w}},
                      {"activation", activation_name(c.activation)}};
  // Only where they differ from the default, so that every other layer's JSON stays as it was.
  if (c.groups != 1) j["groups"] = c.groups;
  if (c.dilation_h != 1 || c.dilation_w != 1) j["dilation"] = {c.dilation_h, c.dilation_w};
  if (!c.bias) j["bias"] = false;
  if (c.whitening_init) j["init"] = "whitening";
  if (!c.trainable) j["trainable"] = false;
  return j;
}

}  // namespace

const LayerKind& conv_layer_kind() {
  static const LayerKind kind = layer_kind<Conv2d>("conv", read_conv, write_conv);
  return kind;
}

}  // namespace cnn
