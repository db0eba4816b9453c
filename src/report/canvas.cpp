// Canvas implementation. See canvas.hpp.
#include "report/canvas.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "core/error.hpp"

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#endif
#include <stb_easy_font.h>
#include <stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace cnn {

namespace {

Rgb mix(Rgb a, Rgb b, float t) {
  auto lerp = [t](std::uint8_t u, std::uint8_t v) {
    return static_cast<std::uint8_t>(std::lround(u + (static_cast<float>(v) - u) * t));
  };
  return {lerp(a.r, b.r), lerp(a.g, b.g), lerp(a.b, b.b)};
}

// One quad of stb_easy_font's output: 4 vertices of (x, y, z floats, 4 colour bytes).
struct EasyFontVertex {
  float x, y, z;
  unsigned char color[4];
};
static_assert(sizeof(EasyFontVertex) == 16, "stb_easy_font writes 16-byte vertices");

// The glyph quads of `text` at scale 1, as (x, y, w, h) rectangles.
std::vector<std::array<int, 4>> glyph_rects(const std::string& text) {
  // stb_easy_font emits at most 4 vertices per glyph segment; ~270 bytes per character is its
  // documented worst case.
  std::vector<EasyFontVertex> vertices(text.size() * 70 + 64);
  std::string copy = text;  // stb_easy_font takes a non-const char*
  const int quads = stb_easy_font_print(0, 0, copy.data(), nullptr, vertices.data(),
                                        static_cast<int>(vertices.size() * sizeof(EasyFontVertex)));
  std::vector<std::array<int, 4>> rects;
  rects.reserve(static_cast<std::size_t>(quads));
  for (int q = 0; q < quads; ++q) {
    const EasyFontVertex* v = &vertices[static_cast<std::size_t>(q) * 4];
    const float x0 = std::min({v[0].x, v[1].x, v[2].x, v[3].x}), x1 = std::max({v[0].x, v[1].x, v[2].x, v[3].x});
    const float y0 = std::min({v[0].y, v[1].y, v[2].y, v[3].y}), y1 = std::max({v[0].y, v[1].y, v[2].y, v[3].y});
    rects.push_back({static_cast<int>(x0), static_cast<int>(y0), static_cast<int>(x1 - x0), static_cast<int>(y1 - y0)});
  }
  return rects;
}

void append_bytes(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

}  // namespace

Rgb viridis(float t) {
  static constexpr std::array<Rgb, 9> kAnchors{{{68, 1, 84},
                                                {71, 44, 122},
                                                {59, 81, 139},
                                                {44, 113, 142},
                                                {33, 144, 141},
                                                {39, 173, 129},
                                                {92, 200, 99},
                                                {170, 220, 50},
                                                {253, 231, 37}}};
  if (!(t > 0.0f)) return kAnchors.front();  // also NaN
  if (t >= 1.0f) return kAnchors.back();
  const float position = t * (kAnchors.size() - 1);
  const auto i = static_cast<std::size_t>(position);
  return mix(kAnchors[i], kAnchors[i + 1], position - static_cast<float>(i));
}

Rgb diverging(float t) {
  if (!(t == t)) return palette::kWhite;
  t = std::clamp(t, -1.0f, 1.0f);
  constexpr Rgb kNegative{33, 102, 172}, kPositive{178, 24, 43};
  return t < 0 ? mix(palette::kWhite, kNegative, -t) : mix(palette::kWhite, kPositive, t);
}

Canvas::Canvas(int width, int height, Rgb background) : width_(width), height_(height) {
  CNN_CHECK(width > 0 && height > 0 && width <= 16384 && height <= 16384, "a figure of {}x{} pixels", width, height);
  pixels_.resize(static_cast<std::size_t>(width) * height * 3);
  for (std::size_t i = 0; i < pixels_.size(); i += 3) {
    pixels_[i] = background.r;
    pixels_[i + 1] = background.g;
    pixels_[i + 2] = background.b;
  }
}

Rgb Canvas::at(int x, int y) const {
  const std::size_t i = (static_cast<std::size_t>(y) * width_ + x) * 3;
  return {pixels_[i], pixels_[i + 1], pixels_[i + 2]};
}

void Canvas::set(int x, int y, Rgb color) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
  const std::size_t i = (static_cast<std::size_t>(y) * width_ + x) * 3;
  pixels_[i] = color.r;
  pixels_[i + 1] = color.g;
  pixels_[i + 2] = color.b;
}

void Canvas::fill_rect(int x, int y, int w, int h, Rgb color) {
  const int x0 = std::max(x, 0), y0 = std::max(y, 0);
  const int x1 = std::min(x + w, width_), y1 = std::min(y + h, height_);
  for (int yy = y0; yy < y1; ++yy)
    for (int xx = x0; xx < x1; ++xx) set(xx, yy, color);
}

void Canvas::stroke_rect(int x, int y, int w, int h, Rgb color) {
  fill_rect(x, y, w, 1, color);
  fill_rect(x, y + h - 1, w, 1, color);
  fill_rect(x, y, 1, h, color);
  fill_rect(x + w - 1, y, 1, h, color);
}

void Canvas::line(int x0, int y0, int x1, int y1, Rgb color, int thickness) {
  const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
  const int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
  const int half = thickness / 2;
  int error = dx + dy;
  for (;;) {
    fill_rect(x0 - half, y0 - half, thickness, thickness, color);
    if (x0 == x1 && y0 == y1) break;
    const int twice = 2 * error;
    if (twice >= dy) {
      error += dy;
      x0 += sx;
    }
    if (twice <= dx) {
      error += dx;
      y0 += sy;
    }
  }
}

void Canvas::text(int x, int y, const std::string& text, Rgb color, int scale) {
  for (const auto& r : glyph_rects(text)) fill_rect(x + r[0] * scale, y + r[1] * scale, r[2] * scale, r[3] * scale, color);
}

void Canvas::text_vertical(int x, int y, const std::string& text, Rgb color, int scale) {
  // Glyph (gx, gy) lands at (x + gy, y - gx): a quarter turn counter-clockwise.
  for (const auto& r : glyph_rects(text))
    fill_rect(x + r[1] * scale, y - (r[0] + r[2]) * scale, r[3] * scale, r[2] * scale, color);
}

int Canvas::text_width(const std::string& text, int scale) {
  std::string copy = text;
  return stb_easy_font_width(copy.data()) * scale;
}

void Canvas::blit(const Canvas& source, int x, int y) {
  for (int yy = 0; yy < source.height_; ++yy)
    for (int xx = 0; xx < source.width_; ++xx) set(x + xx, y + yy, source.at(xx, yy));
}

std::string Canvas::encode_png() const {
  std::string bytes;
  const int ok = stbi_write_png_to_func(append_bytes, &bytes, width_, height_, 3, pixels_.data(), width_ * 3);
  CNN_CHECK(ok != 0, "encoding a {}x{} PNG failed", width_, height_);
  return bytes;
}

void Canvas::write_png(const std::string& path) const {
  const std::string bytes = encode_png();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  CNN_CHECK_CODE(out.good(), ExitCode::kIo, "{}: cannot write the figure", path);
}

std::string base64(const std::string& bytes) {
  static constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t v = (static_cast<std::uint8_t>(bytes[i]) << 16) | (static_cast<std::uint8_t>(bytes[i + 1]) << 8) |
                            static_cast<std::uint8_t>(bytes[i + 2]);
    out += kDigits[(v >> 18) & 63];
    out += kDigits[(v >> 12) & 63];
    out += kDigits[(v >> 6) & 63];
    out += kDigits[v & 63];
  }
  if (i < bytes.size()) {
    std::uint32_t v = static_cast<std::uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<std::uint8_t>(bytes[i + 1]) << 8;
    out += kDigits[(v >> 18) & 63];
    out += kDigits[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kDigits[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string png_data_uri(const Canvas& canvas) { return "data:image/png;base64," + base64(canvas.encode_png()); }

}  // namespace cnn
