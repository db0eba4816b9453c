// A minimal PNG encoder for tests, so they can make exactly the variants the reader must face:
// gray or RGBA, 8 or 16 bits, palette, any size (or a header claiming any size).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cnn::test {

enum class PngColor { kGray = 0, kRgba = 6, kPalette = 3 };

// samples: one value per channel per pixel, row-major (0-255 for 8-bit, 0-65535 for 16-bit;
// palette indices for kPalette, with a gray ramp palette of 256 entries).
std::string encode_png(int width, int height, PngColor color, int bit_depth, const std::vector<std::uint16_t>& samples,
                       bool interlaced = false);
// Only the signature and an IHDR claiming width x height, no image data.
std::string png_header_only(std::uint32_t width, std::uint32_t height);

}  // namespace cnn::test
