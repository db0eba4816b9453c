// Minimal PNG encoder for tests.
#include "png_writer.hpp"

#include <zlib.h>

namespace cnn::test {
namespace {

void put_u32_be(std::string& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void chunk(std::string& out, const char* type, const std::string& data) {
  put_u32_be(out, static_cast<std::uint32_t>(data.size()));
  std::string body = std::string(type, 4) + data;
  out += body;
  put_u32_be(out, static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}

std::string ihdr(std::uint32_t w, std::uint32_t h, int depth, int color) {
  std::string d;
  put_u32_be(d, w);
  put_u32_be(d, h);
  d.push_back(static_cast<char>(depth));
  d.push_back(static_cast<char>(color));
  d += std::string(3, '\0');  // compression, filter, interlace
  return d;
}

const std::string kSignature("\x89PNG\r\n\x1a\n", 8);

}  // namespace

std::string encode_png(int width, int height, PngColor color, int bit_depth, const std::vector<std::uint16_t>& samples) {
  const int channels = color == PngColor::kRgba ? 4 : 1;
  std::string raw;
  std::size_t i = 0;
  for (int y = 0; y < height; ++y) {
    raw.push_back('\0');  // filter: none
    for (int x = 0; x < width * channels; ++x, ++i) {
      if (bit_depth == 16) raw.push_back(static_cast<char>(samples[i] >> 8));
      raw.push_back(static_cast<char>(samples[i] & 0xff));
    }
  }
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string compressed(size, '\0');
  compress(reinterpret_cast<Bytef*>(compressed.data()), &size, reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()));
  compressed.resize(size);
  std::string out = kSignature;
  chunk(out, "IHDR", ihdr(static_cast<std::uint32_t>(width), static_cast<std::uint32_t>(height), bit_depth, static_cast<int>(color)));
  if (color == PngColor::kPalette) {
    std::string palette;
    for (int v = 0; v < 256; ++v) palette += std::string(3, static_cast<char>(v));
    chunk(out, "PLTE", palette);
  }
  chunk(out, "IDAT", compressed);
  chunk(out, "IEND", "");
  return out;
}

std::string png_header_only(std::uint32_t width, std::uint32_t height) {
  std::string out = kSignature;
  chunk(out, "IHDR", ihdr(width, height, 8, 0));
  return out;
}

}  // namespace cnn::test
