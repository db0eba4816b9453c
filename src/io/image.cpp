// Image decoding and writing; see image.hpp.
#include "io/image.hpp"

#include <stb_image.h>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stb_image_write.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "core/error.hpp"

namespace cnn {

GrayImage decode_gray_image(const unsigned char* bytes, std::size_t size, const std::string& name) {
  CNN_CHECK_CODE(size > 0, ExitCode::kIo, "{}: empty file, not an image", name);
  CNN_CHECK_CODE(size <= (std::size_t{1} << 30), ExitCode::kIo, "{}: file too large for an image", name);
  // PNG dimensions are read here first: stb_image refuses very large ones with a vague message.
  if (size >= 24 && std::memcmp(bytes, "\x89PNG\r\n\x1a\n", 8) == 0 && std::memcmp(bytes + 12, "IHDR", 4) == 0) {
    auto be32 = [&](std::size_t at) {
      return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) | (std::uint32_t{bytes[at + 2]} << 8) | bytes[at + 3];
    };
    const std::uint32_t pw = be32(16), ph = be32(20);
    CNN_CHECK_CODE(pw > 0 && ph > 0 && pw <= kMaxImageSide && ph <= kMaxImageSide, ExitCode::kIo,
                   "{}: image dimensions {}x{} are outside 1 to {} pixels per side", name, pw, ph, kMaxImageSide);
  }
  int w = 0, h = 0, channels = 0;
  if (!stbi_info_from_memory(bytes, static_cast<int>(size), &w, &h, &channels))
    CNN_FAIL(ExitCode::kIo, "{}: not a supported image (PNG, JPEG or BMP): {}", name, stbi_failure_reason());
  CNN_CHECK_CODE(w > 0 && h > 0 && w <= kMaxImageSide && h <= kMaxImageSide, ExitCode::kIo,
                 "{}: image dimensions {}x{} are outside 1 to {} pixels per side", name, w, h, kMaxImageSide);
  // Two channels (gray + alpha) keep the transparency, which is composited onto white below.
  std::unique_ptr<unsigned char, void (*)(void*)> data(
      stbi_load_from_memory(bytes, static_cast<int>(size), &w, &h, &channels, 2), stbi_image_free);
  CNN_CHECK_CODE(data != nullptr, ExitCode::kIo, "{}: cannot decode the image: {}", name, stbi_failure_reason());
  GrayImage image;
  image.width = w;
  image.height = h;
  image.pixels.resize(static_cast<std::size_t>(w) * h);
  for (std::size_t i = 0; i < image.pixels.size(); ++i) {
    const float gray = data.get()[2 * i] / 255.0f;
    const float alpha = data.get()[2 * i + 1] / 255.0f;
    image.pixels[i] = alpha * gray + (1.0f - alpha);  // over a white background
  }
  return image;
}

GrayImage load_gray_image(const std::string& path) {
  std::error_code ec;
  CNN_CHECK_CODE(std::filesystem::is_regular_file(path, ec), ExitCode::kIo, "{}: image not found or not a regular file", path);
  std::ifstream in(path, std::ios::binary);
  CNN_CHECK_CODE(in.good(), ExitCode::kIo, "{}: cannot open the image", path);
  const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return decode_gray_image(bytes.data(), bytes.size(), path);
}

void write_gray_png(const std::string& path, const GrayImage& image) {
  std::vector<unsigned char> bytes(image.pixels.size());
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<unsigned char>(std::clamp(image.pixels[i], 0.0f, 1.0f) * 255.0f + 0.5f);
  CNN_CHECK_CODE(stbi_write_png(path.c_str(), image.width, image.height, 1, bytes.data(), image.width) != 0, ExitCode::kIo,
                 "{}: cannot write the PNG", path);
}

}  // namespace cnn
