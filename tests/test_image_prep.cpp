// Tests of image decoding and the MNIST-style preparation.
#include <catch2/catch.hpp>
#include <cmath>

#include "cli_runner.hpp"
#include "core/error.hpp"
#include "expect_error.hpp"
#include "idx_writer.hpp"
#include "io/image_prep.hpp"
#include "png_writer.hpp"

using namespace cnn;
using namespace cnn::test;

namespace {

// A thick black "L" on a white w x h canvas, its corner at (top, left).
std::vector<std::uint16_t> draw_l(int w, int h, int top, int left, int size) {
  std::vector<std::uint16_t> px(static_cast<std::size_t>(w) * h, 255);
  const int thick = std::max(2, size / 6);
  for (int y = top; y < top + size; ++y)
    for (int x = left; x < left + thick; ++x) px[static_cast<std::size_t>(y) * w + x] = 0;
  for (int y = top + size - thick; y < top + size; ++y)
    for (int x = left; x < left + size / 2; ++x) px[static_cast<std::size_t>(y) * w + x] = 0;
  return px;
}

GrayImage decode(const std::string& bytes) {
  return decode_gray_image(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), "img");
}

void expect_image_error(const std::string& bytes, const std::string& needle, bool prepare = false) {
  expect_error(
      [&] {
        const GrayImage img = decode(bytes);
        if (prepare) prepare_mnist_style(img, "img");
      },
      ExitCode::kIo, needle);
}

void check_mnist_like(const GrayImage& out) {
  REQUIRE(out.width == 28);
  REQUIRE(out.height == 28);
  double mass = 0, cy = 0, cx = 0;
  int top = 28, bottom = -1, left = 28, right = -1;
  float strongest = 0;
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 28; ++x) {
      const float v = out.at(y, x);
      strongest = std::max(strongest, v);
      mass += v;
      cy += v * y;
      cx += v * x;
      if (v > 0.2f) {
        top = std::min(top, y);
        bottom = std::max(bottom, y);
        left = std::min(left, x);
        right = std::max(right, x);
      }
    }
  CHECK(strongest == Approx(1.0f).margin(0.05));
  CHECK(std::max(bottom - top + 1, right - left + 1) <= 21);  // scaled into the 20x20 box
  CHECK(std::max(bottom - top + 1, right - left + 1) >= 18);
  CHECK(cy / mass == Approx(13.5).margin(1.0));  // centre of mass at the centre
  CHECK(cx / mass == Approx(13.5).margin(1.0));
  CHECK(out.at(0, 0) == 0.0f);  // background is 0 (black), ink is bright
}

}  // namespace

TEST_CASE("a dark digit on a large light canvas, off centre, is prepared like MNIST", "[image]") {
  const int w = 300, h = 200;
  const GrayImage img = decode(encode_png(w, h, PngColor::kGray, 8, draw_l(w, h, 20, 200, 90)));
  CHECK(img.width == 300);
  check_mnist_like(prepare_mnist_style(img, "img"));
}

TEST_CASE("16-bit, palette and RGBA-on-transparent images are handled", "[image]") {
  const int w = 64, h = 48;
  auto l8 = draw_l(w, h, 5, 10, 30);
  std::vector<std::uint16_t> l16(l8.size());
  for (std::size_t i = 0; i < l8.size(); ++i) l16[i] = static_cast<std::uint16_t>(l8[i] * 257);
  check_mnist_like(prepare_mnist_style(decode(encode_png(w, h, PngColor::kGray, 16, l16)), "img16"));
  check_mnist_like(prepare_mnist_style(decode(encode_png(w, h, PngColor::kPalette, 8, l8)), "palette"));
  // Adam7-interlaced: decoded to exactly the same pixels as the plain encoding.
  const GrayImage plain = decode(encode_png(w, h, PngColor::kGray, 8, l8));
  const GrayImage interlaced = decode(encode_png(w, h, PngColor::kGray, 8, l8, true));
  CHECK(interlaced.pixels == plain.pixels);
  // Black ink, opaque, on a fully transparent canvas: composited on white it reads as ink on paper.
  std::vector<std::uint16_t> rgba;
  for (std::uint16_t v : l8) {
    const bool ink = v == 0;
    rgba.insert(rgba.end(), {0, 0, 0, static_cast<std::uint16_t>(ink ? 255 : 0)});
  }
  const GrayImage transparent = decode(encode_png(w, h, PngColor::kRgba, 8, rgba));
  CHECK(transparent.at(0, 0) == 1.0f);  // transparent = white
  check_mnist_like(prepare_mnist_style(transparent, "rgba"));
  // White ink on black (MNIST's own convention) is not inverted.
  std::vector<std::uint16_t> inverted(l8.size());
  for (std::size_t i = 0; i < l8.size(); ++i) inverted[i] = static_cast<std::uint16_t>(255 - l8[i]);
  check_mnist_like(prepare_mnist_style(decode(encode_png(w, h, PngColor::kGray, 8, inverted)), "white-on-black"));
}

TEST_CASE("bad images are refused with a message", "[image]") {
  expect_image_error("", "empty file");
  expect_image_error("hello, this is text and not a picture at all", "not a supported image");
  expect_image_error("GIF89a" + std::string(40, '\0'), "not a supported image");
  expect_image_error("P5 4 4 255\n" + std::string(16, '\0'), "not a supported image");  // PGM is not compiled in
  // The input with which fuzzing found a heap overflow in stb_image's 16-bit PGM path.
  expect_image_error(read_bytes(std::string(CNN_SOURCE_DIR) + "/tests/fixtures/fuzz-image-pgm16-overflow.bin"),
                     "not a supported image");
  expect_image_error(png_header_only(100000, 100000), "image dimensions 100000x100000");
  expect_image_error(png_header_only(20000, 100), "image dimensions 20000x100");
  expect_image_error(png_header_only(8000, 8000), "image dimensions 8000x8000");  // within a side, too many pixels
  // Found by fuzzing: an IDAT chunk claiming 2 GB in a small file made stb_image allocate it.
  expect_image_error(read_bytes(std::string(CNN_SOURCE_DIR) + "/tests/fixtures/fuzz-image-png-huge-idat.bin"), "past the end");
  const std::string good = encode_png(40, 40, PngColor::kGray, 8, draw_l(40, 40, 5, 5, 25));
  expect_image_error(good.substr(0, good.size() / 2), "PNG");
  std::string empty_idat = good.substr(0, 33) + std::string("\0\0\0\0IDAT", 8) + std::string(4, '\0') + good.substr(33);
  expect_image_error(empty_idat, "empty IDAT");

  expect_image_error(encode_png(50, 30, PngColor::kGray, 8, std::vector<std::uint16_t>(1500, 255)), "blank", true);
  expect_image_error(encode_png(50, 30, PngColor::kGray, 8, std::vector<std::uint16_t>(1500, 0)), "blank", true);
  expect_image_error(encode_png(1, 1, PngColor::kGray, 8, {0}), "blank", true);
  std::vector<std::uint16_t> clear(40 * 40 * 4, 0);  // fully transparent
  expect_image_error(encode_png(40, 40, PngColor::kRgba, 8, clear), "blank", true);
}

TEST_CASE("raw input must already have the model's size", "[image]") {
  GrayImage img;
  img.width = img.height = 28;
  img.pixels.assign(784, 0.0f);
  CHECK(as_raw_input(img, 28, 28, "x").width == 28);
  CHECK_THROWS_AS(as_raw_input(img, 32, 32, "x"), Error);
}

TEST_CASE("a prepared image is written as a PNG and read back", "[image]") {
  ScratchDir dir("png");
  GrayImage img;
  img.width = 3;
  img.height = 2;
  img.pixels = {0.0f, 0.5f, 1.0f, 1.0f, 0.25f, 0.0f};
  write_gray_png(dir.file("a.png"), img);
  const GrayImage back = load_gray_image(dir.file("a.png"));
  REQUIRE(back.width == 3);
  for (std::size_t i = 0; i < 6; ++i) CHECK(back.pixels[i] == Approx(img.pixels[i]).margin(1.0 / 255));
  CHECK_THROWS_AS(load_gray_image(dir.file("missing.png")), Error);
}
