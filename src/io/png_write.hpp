// Writing an 8-bit PNG of 1 (gray) or 3 (RGB) channels from planes, for pictures cnn makes
// (the augmentation preview). Pixels come as (channels, height, width) planes, cnn's layout.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cnn {

// planes: (channels, height, width), channels 1 or 3. Throws Error(kIo) naming the file on failure.
void write_png_planes(const std::string& path, int channels, int height, int width, const std::vector<std::uint8_t>& planes);

}  // namespace cnn
