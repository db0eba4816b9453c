// The "resize" preparation: how an image file of any size and colour becomes a model input of
// (channels, height, width), used by the folder loader (io/image_folder.hpp) for every training
// and test image and by `cnn predict` for a folder or CIFAR model, so both run this same code:
//
//   1. decode to 8-bit RGBA (gray replicated into R, G, B; no alpha: opaque);
//   2. composite onto white: v = (v * a + 255 * (255 - a) + 127) / 255 (integer, per channel);
//   3. to gray when the model has one channel: y = (77 R + 150 G + 29 B) >> 8 (stb_image's
//      ITU-R BT.601 luma; a gray file comes back unchanged), or keep R, G, B for three channels;
//   4. stretch to height x width ignoring the aspect ratio (as torchvision's Resize((h, w)) and
//      Keras' image_dataset_from_directory do by default) with stb_image_resize's defaults:
//      Mitchell filter when shrinking, Catmull-Rom when enlarging, edges clamped, 8-bit values
//      rounded; an image already of that size is not resampled at all.
// The output is planar (channels, height, width) u8, the layout of an ImageSet; it becomes the
// network's input exactly as a training image does (runtime/network_input.hpp: / 255, then normalisation).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/image.hpp"

namespace cnn {

// channels is 1 or 3; anything else is a kUsage error naming the model's channel count.
std::vector<std::uint8_t> prepare_resized(const RgbaImage& image, int channels, int height, int width, const std::string& name);
std::vector<std::uint8_t> load_resized(const std::string& path, int channels, int height, int width);

}  // namespace cnn
