// The resize preparation; steps in resize_prep.hpp.
#include "io/resize_prep.hpp"

#include <stb_image_resize.h>

#include "core/error.hpp"

namespace cnn {

std::vector<std::uint8_t> prepare_resized(const RgbaImage& image, int channels, int height, int width,
                                          const std::string& name) {
  CNN_CHECK_CODE(channels == 1 || channels == 3, ExitCode::kUsage,
                 "{}: images are converted to 1 (gray) or 3 (RGB) channels, but the model takes {}", name, channels);
  CNN_CHECK(height > 0 && width > 0, "prepare_resized: size {}x{}", height, width);
  // Steps 2 and 3 at the file's own size, interleaved (height, width, channels).
  const std::size_t pixels = static_cast<std::size_t>(image.width) * image.height;
  std::vector<std::uint8_t> colour(pixels * static_cast<std::size_t>(channels));
  for (std::size_t i = 0; i < pixels; ++i) {
    const std::uint8_t* p = image.pixels.data() + 4 * i;
    const unsigned a = p[3];
    unsigned rgb[3];
    for (int c = 0; c < 3; ++c) rgb[c] = (p[c] * a + 255u * (255u - a) + 127u) / 255u;
    if (channels == 1) {
      colour[i] = static_cast<std::uint8_t>((rgb[0] * 77u + rgb[1] * 150u + rgb[2] * 29u) >> 8);
    } else {
      for (int c = 0; c < 3; ++c) colour[i * 3 + c] = static_cast<std::uint8_t>(rgb[c]);
    }
  }
  // Step 4.
  std::vector<std::uint8_t> sized;
  if (image.width == width && image.height == height) {
    sized = std::move(colour);
  } else {
    sized.resize(static_cast<std::size_t>(width) * height * channels);
    CNN_CHECK_CODE(stbir_resize_uint8(colour.data(), image.width, image.height, 0, sized.data(), width, height, 0, channels) != 0,
                   ExitCode::kIo, "{}: resizing {}x{} to {}x{} failed", name, image.width, image.height, width, height);
  }
  // Interleaved to planar.
  const std::size_t plane = static_cast<std::size_t>(width) * height;
  std::vector<std::uint8_t> planar(sized.size());
  for (std::size_t i = 0; i < plane; ++i)
    for (int c = 0; c < channels; ++c) planar[static_cast<std::size_t>(c) * plane + i] = sized[i * channels + c];
  return planar;
}

std::vector<std::uint8_t> load_resized(const std::string& path, int channels, int height, int width) {
  const std::vector<unsigned char> bytes = read_image_file(path);
  return prepare_resized(decode_rgba_image(bytes.data(), bytes.size(), path), channels, height, width, path);
}

}  // namespace cnn
