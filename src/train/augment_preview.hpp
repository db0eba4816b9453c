// The augmentation preview (`cnn augment-preview`): training images beside their augmented
// versions, as one picture, so that a user sees what the network will see before training.
//
// Layout: pairs (original | augmented) in rows of `columns` pairs, each image enlarged `zoom`
// times (nearest neighbour), on a mid-gray background that sets off the images' own black borders.
// Image i is the i-th training image, augmented as the image at position i of epoch `epoch` is.
#pragma once

#include <cstdint>
#include <vector>

#include "io/image_set.hpp"
#include "train/run_config.hpp"

namespace cnn {

struct PreviewGrid {
  int channels = 1, height = 0, width = 0;
  std::vector<std::uint8_t> pixels;  // (channels, height, width)
};

// The first `count` images (count <= images.count) as the model input `input` (C, H, W) sees them
// (runtime/network_input.hpp), augmented with `augment`; cutout fills with `cutout_fill` (per
// channel; empty: black), as training fills with the normalisation's mean.
PreviewGrid augment_preview(const ImageSet& images, const Shape& input, const AugmentConfig& augment, std::uint64_t seed,
                            int epoch, int count, int zoom, const std::vector<float>& cutout_fill = {});

}  // namespace cnn
