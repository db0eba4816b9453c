// What the network sees, as pictures: the first conv layer's filters, and the feature maps of
// one image through every conv and pool layer (the course's "forward propagation over
// convolutional and pooling layers", made visible).
#pragma once

#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "net/net.hpp"
#include "report/canvas.hpp"

namespace cnn {

// One layer's output for one image: (C, H, W) planes.
struct FeatureMaps {
  std::string layer_name;  // "conv1", "pool2", or "input"
  std::string description;
  Tensor maps;             // (C, H, W)
};

// Runs one image (C, H, W, as the network's input) through the network layer by layer in
// inference mode and keeps the input and the output of every conv and pool layer (and any other
// layer whose output is still an image: batch norm, activations after a conv).
std::vector<FeatureMaps> feature_maps(Net& net, const float* image);

// The first conv layer's filters as a grid: one cell per filter, each input channel's kernel
// side by side (an RGB network's filters are shown as colour when there are 3 channels), blue
// negative, red positive, white zero, on one scale per figure so that weights compare. Empty
// optional when the network has no conv layer.
bool has_conv_layer(const Net& net);
Canvas filter_grid(const Net& net, int cell = 12);

// One layer's maps as a grid of small images, each scaled to its own range (viridis), at least
// `min_side` pixels on a side; titled with the layer.
Canvas feature_map_grid(const FeatureMaps& layer, int min_side = 56, int max_columns = 8);

// One image (C, H, W) in [0, 1] as the network saw it: gray for 1 channel, colour for 3, upscaled.
Canvas input_image(const float* image, const Shape& chw, int scale);

}  // namespace cnn
