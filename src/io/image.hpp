// Image files for `cnn predict` and the folder loader: decoding (stb_image: PNG, JPEG, BMP) into
// one gray channel or into RGBA, and writing 8-bit PNGs.
//
// Decoding treats the file as untrusted: the dimensions are read from the header and capped
// before any pixel is decoded; 16-bit and palette images are converted; transparency is
// composited onto white (a digit drawn on a transparent canvas reads as ink on paper).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cnn {

struct GrayImage {
  int width = 0, height = 0;
  std::vector<float> pixels;  // (height, width), 0 = black, 1 = white
  float at(int y, int x) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
};

constexpr int kMaxImageSide = 8192;
constexpr std::uint64_t kMaxImagePixels = std::uint64_t{1} << 24;  // 16.7 megapixels: decoding stays under ~130 MiB

// The bytes of an image file (a regular file of at most 1 GiB), for the decoders below.
std::vector<unsigned char> read_image_file(const std::string& path);

GrayImage load_gray_image(const std::string& path);
GrayImage decode_gray_image(const unsigned char* bytes, std::size_t size, const std::string& name);
// 8-bit RGBA, gray images replicated into R, G and B, opaque images with alpha 255; the same
// checks as decode_gray_image. The folder loader and predict's resize preparation start here.
struct RgbaImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // (height, width, 4) interleaved R, G, B, A
};
RgbaImage decode_rgba_image(const unsigned char* bytes, std::size_t size, const std::string& name);

// Writes 8-bit planar pixels (channels, height, width) with 1 (gray) or 3 (RGB) channels as PNG.
void write_planar_png(const std::string& path, const std::uint8_t* planes, int channels, int height, int width);

// Writes values in [0, 1] (1 = white) as an 8-bit gray PNG.
void write_gray_png(const std::string& path, const GrayImage& image);

}  // namespace cnn
