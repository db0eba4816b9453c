// Image files for `cnn predict`: decoding (stb_image: PNG, JPEG, BMP) into one gray
// channel, and writing an 8-bit gray PNG.
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

GrayImage load_gray_image(const std::string& path);
GrayImage decode_gray_image(const unsigned char* bytes, std::size_t size, const std::string& name);
// Writes values in [0, 1] (1 = white) as an 8-bit gray PNG.
void write_gray_png(const std::string& path, const GrayImage& image);

}  // namespace cnn
