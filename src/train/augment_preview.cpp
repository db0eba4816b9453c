// The augmentation preview; see augment_preview.hpp.
#include "train/augment_preview.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "train/augment.hpp"
#include "runtime/network_input.hpp"

namespace cnn {
namespace {

constexpr int kGap = 2;            // pixels between the two images of a pair (before zoom: after it)
constexpr int kPairGap = 8;        // pixels between pairs and rows
constexpr std::uint8_t kBackground = 128;

std::uint8_t to_byte(float v) { return static_cast<std::uint8_t>(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f); }

}  // namespace

PreviewGrid augment_preview(const ImageSet& images, const Shape& input, const AugmentConfig& augment, std::uint64_t seed,
                            int epoch, int count, int zoom, const std::vector<float>& cutout_fill) {
  CNN_CHECK(count > 0 && count <= images.count && zoom > 0, "augment_preview: {} of {} images, zoom {}", count, images.count,
            zoom);
  std::vector<std::uint32_t> indices(static_cast<std::size_t>(count));
  std::iota(indices.begin(), indices.end(), 0u);
  Tensor original, augmented;
  const std::vector<Label> no_labels(static_cast<std::size_t>(images.count), 0);
  fill_batch(images, no_labels, indices.data(), count, input, original, nullptr);
  augmented = original;
  Augmenter(augment, input[0], input[1], input[2], cutout_fill).apply(augmented.data(), count, seed, epoch, 0);

  const int channels = input[0], h = input[1] * zoom, w = input[2] * zoom;
  const int columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count))));
  const int rows = (count + columns - 1) / columns;
  const int pair_w = 2 * w + kGap;
  PreviewGrid grid;
  grid.channels = channels == 3 ? 3 : 1;  // other channel counts: the first channel in gray
  grid.width = columns * pair_w + (columns + 1) * kPairGap;
  grid.height = rows * h + (rows + 1) * kPairGap;
  const std::size_t plane = static_cast<std::size_t>(grid.height) * grid.width;
  grid.pixels.assign(plane * grid.channels, kBackground);
  const std::size_t image_size = static_cast<std::size_t>(channels) * input[1] * input[2];
  auto paste = [&](const Tensor& from, int s, int top, int left) {
    for (int c = 0; c < grid.channels; ++c) {
      const float* src = from.data() + s * image_size + static_cast<std::size_t>(c) * input[1] * input[2];
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
          grid.pixels[c * plane + static_cast<std::size_t>(top + y) * grid.width + left + x] =
              to_byte(src[(y / zoom) * input[2] + x / zoom]);
    }
  };
  for (int s = 0; s < count; ++s) {
    const int top = kPairGap + (s / columns) * (h + kPairGap);
    const int left = kPairGap + (s % columns) * (pair_w + kPairGap);
    paste(original, s, top, left);
    paste(augmented, s, top, left + w + kGap);
  }
  return grid;
}

}  // namespace cnn
