// PNG writing from planes; see png_write.hpp. stb_image_write's implementation is in stb_impl.cpp.
#include "io/png_write.hpp"

#include <stb_image_write.h>

#include "core/error.hpp"

namespace cnn {

void write_png_planes(const std::string& path, int channels, int height, int width, const std::vector<std::uint8_t>& planes) {
  CNN_CHECK(channels == 1 || channels == 3, "write_png_planes: {} channels (1 or 3)", channels);
  const std::size_t plane = static_cast<std::size_t>(height) * width;
  CNN_CHECK(planes.size() == plane * channels, "write_png_planes: {} bytes for {}x{}x{}", planes.size(), channels, height, width);
  std::vector<std::uint8_t> interleaved(planes.size());  // PNG rows hold the channels of each pixel together
  for (std::size_t i = 0; i < plane; ++i)
    for (int c = 0; c < channels; ++c) interleaved[i * channels + c] = planes[c * plane + i];
  CNN_CHECK_CODE(stbi_write_png(path.c_str(), width, height, channels, interleaved.data(), width * channels) != 0,
                 ExitCode::kIo, "{}: cannot write the PNG", path);
}

}  // namespace cnn
