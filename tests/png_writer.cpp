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

std::string ihdr(std::uint32_t w, std::uint32_t h, int depth, int color, bool interlaced = false) {
  std::string d;
  put_u32_be(d, w);
  put_u32_be(d, h);
  d.push_back(static_cast<char>(depth));
  d.push_back(static_cast<char>(color));
  d += std::string(2, '\0');  // compression, filter
  d.push_back(interlaced ? 1 : 0);
  return d;
}

const std::string kSignature("\x89PNG\r\n\x1a\n", 8);

}  // namespace

std::string encode_png(int width, int height, PngColor color, int bit_depth, const std::vector<std::uint16_t>& samples,
                       bool interlaced) {
  const int channels = color == PngColor::kRgba ? 4 : 1;
  std::string raw;
  auto put_pixel = [&](int x, int y) {
    for (int ch = 0; ch < channels; ++ch) {
      const std::uint16_t v = samples[(static_cast<std::size_t>(y) * width + x) * channels + ch];
      if (bit_depth == 16) raw.push_back(static_cast<char>(v >> 8));
      raw.push_back(static_cast<char>(v & 0xff));
    }
  };
  if (!interlaced) {
    for (int y = 0; y < height; ++y) {
      raw.push_back('\0');  // filter: none
      for (int x = 0; x < width; ++x) put_pixel(x, y);
    }
  } else {
    // Adam7: seven passes over sub-grids (start x, start y, step x, step y), each row filtered.
    const int passes[7][4] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};
    for (const auto& p : passes) {
      if (p[0] >= width || p[1] >= height) continue;  // empty pass: no rows at all
      for (int y = p[1]; y < height; y += p[3]) {
        raw.push_back('\0');
        for (int x = p[0]; x < width; x += p[2]) put_pixel(x, y);
      }
    }
  }
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string compressed(size, '\0');
  compress(reinterpret_cast<Bytef*>(compressed.data()), &size, reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()));
  compressed.resize(size);
  std::string out = kSignature;
  chunk(out, "IHDR", ihdr(static_cast<std::uint32_t>(width), static_cast<std::uint32_t>(height), bit_depth, static_cast<int>(color),
                          interlaced));
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
