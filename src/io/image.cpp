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

namespace {

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// Walks a PNG's chunks before stb_image sees them. stb_image trusts chunk lengths: it grows its
// buffer to a declared IDAT length before checking that the bytes exist (fuzzing: a 300-byte file
// asked for 2 GB), and copies from a null buffer for an empty IDAT. So every chunk must lie inside
// the file, IDAT chunks must not be empty, and IHDR's dimensions are checked here first.
void check_png_chunks(const unsigned char* bytes, std::size_t size, const std::string& name) {
  std::size_t at = 8;
  bool first = true;
  while (at < size) {
    CNN_CHECK_CODE(size - at >= 12, ExitCode::kIo, "{}: truncated PNG (chunk header at byte {})", name, at);
    const std::uint32_t length = be32(bytes + at);
    const std::string type(reinterpret_cast<const char*>(bytes + at + 4), 4);
    CNN_CHECK_CODE(length <= size - at - 12, ExitCode::kIo, "{}: corrupt PNG: chunk '{}' at byte {} claims {} bytes, past the end of the file",
                   name, type, at, length);
    if (first) {
      CNN_CHECK_CODE(type == "IHDR" && length >= 8, ExitCode::kIo, "{}: corrupt PNG: no IHDR chunk first", name);
      const std::uint32_t w = be32(bytes + at + 8), h = be32(bytes + at + 12);
      CNN_CHECK_CODE(w > 0 && h > 0 && w <= kMaxImageSide && h <= kMaxImageSide &&
                         std::uint64_t{w} * h <= kMaxImagePixels,
                     ExitCode::kIo, "{}: image dimensions {}x{} are outside 1 to {} pixels per side or {} pixels in all", name, w,
                     h, kMaxImageSide, kMaxImagePixels);
      first = false;
    }
    CNN_CHECK_CODE(type != "IDAT" || length > 0, ExitCode::kIo, "{}: corrupt PNG: empty IDAT chunk at byte {}", name, at);
    if (type == "IEND") return;
    at += 12 + static_cast<std::size_t>(length);
  }
}


// The checks every decode makes before stb_image allocates anything: size, PNG chunk structure,
// and dimensions read from the header.
void check_before_decode(const unsigned char* bytes, std::size_t size, const std::string& name) {
  CNN_CHECK_CODE(size > 0, ExitCode::kIo, "{}: empty file, not an image", name);
  CNN_CHECK_CODE(size <= (std::size_t{1} << 30), ExitCode::kIo, "{}: file too large for an image", name);
  if (size >= 8 && std::memcmp(bytes, "\x89PNG\r\n\x1a\n", 8) == 0) check_png_chunks(bytes, size, name);
  int w = 0, h = 0, channels = 0;
  if (!stbi_info_from_memory(bytes, static_cast<int>(size), &w, &h, &channels))
    CNN_FAIL(ExitCode::kIo, "{}: not a supported image (PNG, JPEG or BMP): {}", name, stbi_failure_reason());
  CNN_CHECK_CODE(w > 0 && h > 0 && w <= kMaxImageSide && h <= kMaxImageSide &&
                     static_cast<std::uint64_t>(w) * static_cast<std::uint64_t>(h) <= kMaxImagePixels,
                 ExitCode::kIo, "{}: image dimensions {}x{} are outside 1 to {} pixels per side or {} pixels in all", name, w, h,
                 kMaxImageSide, kMaxImagePixels);
}

}  // namespace

GrayImage decode_gray_image(const unsigned char* bytes, std::size_t size, const std::string& name) {
  check_before_decode(bytes, size, name);
  int w = 0, h = 0, channels = 0;
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

RgbaImage decode_rgba_image(const unsigned char* bytes, std::size_t size, const std::string& name) {
  check_before_decode(bytes, size, name);
  int w = 0, h = 0, channels = 0;
  std::unique_ptr<unsigned char, void (*)(void*)> data(
      stbi_load_from_memory(bytes, static_cast<int>(size), &w, &h, &channels, 4), stbi_image_free);
  CNN_CHECK_CODE(data != nullptr, ExitCode::kIo, "{}: cannot decode the image: {}", name, stbi_failure_reason());
  RgbaImage image;
  image.width = w;
  image.height = h;
  image.pixels.assign(data.get(), data.get() + static_cast<std::size_t>(w) * h * 4);
  return image;
}

std::vector<unsigned char> read_image_file(const std::string& path) {
  std::error_code ec;
  CNN_CHECK_CODE(std::filesystem::is_regular_file(path, ec), ExitCode::kIo, "{}: image not found or not a regular file", path);
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  CNN_CHECK_CODE(!ec && size <= (std::uintmax_t{1} << 30), ExitCode::kIo, "{}: file too large for an image", path);
  std::ifstream in(path, std::ios::binary);
  CNN_CHECK_CODE(in.good(), ExitCode::kIo, "{}: cannot open the image", path);
  return std::vector<unsigned char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

GrayImage load_gray_image(const std::string& path) {
  const std::vector<unsigned char> bytes = read_image_file(path);
  return decode_gray_image(bytes.data(), bytes.size(), path);
}

void write_planar_png(const std::string& path, const std::uint8_t* planes, int channels, int height, int width) {
  CNN_CHECK(channels == 1 || channels == 3, "write_planar_png: {} channels", channels);
  const std::size_t plane = static_cast<std::size_t>(height) * width;
  std::vector<unsigned char> bytes(plane * static_cast<std::size_t>(channels));
  for (std::size_t i = 0; i < plane; ++i)
    for (int c = 0; c < channels; ++c) bytes[i * channels + c] = planes[c * plane + i];
  CNN_CHECK_CODE(stbi_write_png(path.c_str(), width, height, channels, bytes.data(), width * channels) != 0, ExitCode::kIo,
                 "{}: cannot write the PNG", path);
}

void write_gray_png(const std::string& path, const GrayImage& image) {
  std::vector<unsigned char> bytes(image.pixels.size());
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<unsigned char>(std::clamp(image.pixels[i], 0.0f, 1.0f) * 255.0f + 0.5f);
  CNN_CHECK_CODE(stbi_write_png(path.c_str(), image.width, image.height, 1, bytes.data(), image.width) != 0, ExitCode::kIo,
                 "{}: cannot write the PNG", path);
}

}  // namespace cnn
