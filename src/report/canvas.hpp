// An RGB raster for the report's figures: filled rectangles, lines, text and upscaled gray
// images, encoded as PNG (stb_image_write) to a file or to bytes for a data URI.
//
// Text uses stb_easy_font (libstb-dev), a public-domain bitmap font drawn as quads, so figures
// need no font file on the user's machine. Its glyphs are about 6 px wide and 11 px tall at
// scale 1; `scale` multiplies them (whole pixels, so text stays crisp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cnn {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};

// A colour-blind-safe palette (Okabe and Ito, 2008): distinguishable under the common colour
// vision deficiencies, and in print.
namespace palette {
constexpr Rgb kBlue{0, 114, 178};
constexpr Rgb kOrange{230, 159, 0};
constexpr Rgb kGreen{0, 158, 115};
constexpr Rgb kVermillion{213, 94, 0};
constexpr Rgb kPurple{204, 121, 167};
constexpr Rgb kSky{86, 180, 233};
constexpr Rgb kBlack{0, 0, 0};
constexpr Rgb kGray{120, 120, 120};
constexpr Rgb kLightGray{225, 225, 225};
constexpr Rgb kWhite{255, 255, 255};
}  // namespace palette

// A sequential colour map for values in [0, 1] (viridis: perceptually uniform, readable in gray
// and by colour-blind readers), interpolated between 9 anchors.
Rgb viridis(float t);
// A diverging map for signed values in [-1, 1]: blue (negative), white (0), orange-red
// (positive); used for conv filters, whose sign matters.
Rgb diverging(float t);

class Canvas {
 public:
  Canvas(int width, int height, Rgb background = palette::kWhite);
  int width() const { return width_; }
  int height() const { return height_; }
  Rgb at(int x, int y) const;

  void fill_rect(int x, int y, int w, int h, Rgb color);
  void stroke_rect(int x, int y, int w, int h, Rgb color);
  // A line `thickness` pixels wide (Bresenham with a square pen).
  void line(int x0, int y0, int x1, int y1, Rgb color, int thickness = 1);
  void text(int x, int y, const std::string& text, Rgb color, int scale = 1);
  // Text rotated 90 degrees counter-clockwise (reads bottom to top), for a vertical axis title;
  // (x, y) is the bottom-left corner of the rotated text.
  void text_vertical(int x, int y, const std::string& text, Rgb color, int scale = 1);
  static int text_width(const std::string& text, int scale = 1);
  static int text_height(int scale = 1) { return 11 * scale; }
  // Copies another canvas with its top-left corner at (x, y), clipped to this one.
  void blit(const Canvas& source, int x, int y);

  std::string encode_png() const;
  void write_png(const std::string& path) const;

 private:
  void set(int x, int y, Rgb color);
  int width_, height_;
  std::vector<std::uint8_t> pixels_;  // (height, width, 3)
};

// A (height, width) plane of values drawn as a `cell` x `cell` block per value, through
// `color_of` (value -> colour).
template <class ColorOf>
Canvas plane_image(const float* values, int height, int width, int cell, ColorOf color_of) {
  Canvas canvas(width * cell, height * cell);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      canvas.fill_rect(x * cell, y * cell, cell, cell, color_of(values[static_cast<std::size_t>(y) * width + x]));
  return canvas;
}

// Standard base64 (RFC 4648), for data URIs.
std::string base64(const std::string& bytes);
std::string png_data_uri(const Canvas& canvas);

}  // namespace cnn
