// ImageSet and Dataset: images of any size and channel count with integer labels, whatever file
// format they came from (IDX today; folders of photos and CIFAR batches build the same thing).
//
//   ImageSet  pixels (count, channels, height, width), u8, 0 = background, 255 = full intensity
//   Dataset   one split: images, one label per image in [0, classes), optional class names
// The class count comes from the data; the trainer requires it to equal the network's outputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cnn {

using Label = std::int32_t;

struct ImageSet {
  int count = 0, channels = 1, height = 0, width = 0;
  std::vector<std::uint8_t> pixels;  // (count, channels, height, width)

  std::size_t image_size() const { return static_cast<std::size_t>(channels) * height * width; }
};

struct Dataset {
  ImageSet images;
  std::vector<Label> labels;             // (count)
  int classes = 0;                       // labels lie in [0, classes)
  std::vector<std::string> class_names;  // empty, or one per class

  int size() const { return images.count; }
};

}  // namespace cnn
