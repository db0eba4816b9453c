// Tests of data augmentation (train/augment.hpp, ops/warp.hpp): the transforms against naive
// references (exact identity, whole-pixel translation, crop, flip, a quarter turn, a general
// affine + elastic map against a plain double-precision bilinear sampler), the Gaussian smoothing
// against a direct 2D sum, every channel warped alike, and the determinism that training relies
// on: the same (seed, epoch, position) gives the same image however the batch is split.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "core/rng.hpp"
#include "ops/warp.hpp"
#include "train/augment.hpp"

using namespace cnn;

namespace {

// A (channels, h, w) image of random values in [0, 1), every pixel distinct from its neighbours.
std::vector<float> random_image(int channels, int h, int w, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> image(static_cast<std::size_t>(channels) * h * w);
  for (float& v : image) v = rng.uniform();
  return image;
}

// Warps one plane through the map of `draw` (plus an elastic field, (h, field_stride(w)) or null).
std::vector<float> warp(const std::vector<float>& plane, int h, int w, const AugmentDraw& draw, const float* dx = nullptr,
                        const float* dy = nullptr) {
  SamplingMap map;
  map.build(h, w, affine_map(draw, h, w), dx, dy);
  std::vector<float> framed(static_cast<std::size_t>(h + 3) * (w + 3), 0.0f);
  frame_plane(plane.data(), h, w, framed.data());
  std::vector<float> out(plane.size(), -1.0f);
  sample_plane(map, framed.data(), out.data());
  return out;
}

// Naive bilinear sampling with a zero outside, in double.
double bilinear(const std::vector<float>& plane, int h, int w, double sx, double sy) {
  auto at = [&](int y, int x) -> double {
    return y >= 0 && y < h && x >= 0 && x < w ? plane[static_cast<std::size_t>(y) * w + x] : 0.0;
  };
  const int x0 = static_cast<int>(std::floor(sx)), y0 = static_cast<int>(std::floor(sy));
  const double fx = sx - x0, fy = sy - y0;
  return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
}

// The documented formula of augment.hpp, written out in double for one output pixel.
void reference_source(const AugmentDraw& d, int h, int w, int x, int y, double ddx, double ddy, double* sx, double* sy) {
  const double pi = 3.14159265358979323846;
  double qx = x + d.crop_x, qy = y + d.crop_y;
  if (d.flip) qx = (w - 1) - qx;
  qx += ddx;
  qy += ddy;
  const double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
  const double ux = qx - cx - d.tx, uy = qy - cy - d.ty;
  // A = s R S; solve A u' = u: first R^T / s, then S^-1.
  const double t = d.angle * pi / 180.0, k = std::tan(d.shear * pi / 180.0);
  const double rx = (std::cos(t) * ux + std::sin(t) * uy) / d.scale;
  const double ry = (-std::sin(t) * ux + std::cos(t) * uy) / d.scale;
  *sx = rx - k * ry + cx;
  *sy = ry + cy;
}

}  // namespace

TEST_CASE("identity parameters give the identity exactly", "[augment]") {
  for (const auto& [h, w] : {std::pair{28, 28}, std::pair{5, 13}, std::pair{32, 9}}) {
    const std::vector<float> image = random_image(1, h, w, 3);
    CHECK(warp(image, h, w, AugmentDraw{}) == image);
  }
  // The Augmenter with every transform at zero width, elastic included (alpha 0), on three channels.
  AugmentConfig none;
  Augmenter augmenter(none, 3, 11, 7);
  std::vector<float> image = random_image(3, 11, 7, 4);
  const std::vector<float> before = image;
  augmenter.apply(image.data(), 1, 1, 0, 0);
  CHECK(image == before);
}

TEST_CASE("whole-pixel translation and crop move the image and fill zeros", "[augment]") {
  const int h = 9, w = 12;
  const std::vector<float> image = random_image(1, h, w, 5);
  auto pixel = [&](int y, int x) { return y >= 0 && y < h && x >= 0 && x < w ? image[y * w + x] : 0.0f; };
  AugmentDraw shift;
  shift.tx = 2.0f;  // content moves right by 2 and up by 3: out(y, x) = in(y + 3, x - 2)
  shift.ty = -3.0f;
  const std::vector<float> moved = warp(image, h, w, shift);
  AugmentDraw crop;
  crop.crop_x = 3;  // the window moves right by 3 and up by 1 over the zero-padded image
  crop.crop_y = -1;
  const std::vector<float> cropped = warp(image, h, w, crop);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      INFO("y " << y << " x " << x);
      CHECK(moved[y * w + x] == pixel(y + 3, x - 2));
      CHECK(cropped[y * w + x] == pixel(y - 1, x + 3));
    }
}

TEST_CASE("a horizontal flip mirrors every row exactly", "[augment]") {
  const int h = 6, w = 11;
  const std::vector<float> image = random_image(1, h, w, 6);
  AugmentDraw flip;
  flip.flip = true;
  const std::vector<float> out = warp(image, h, w, flip);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) CHECK(out[y * w + x] == image[y * w + (w - 1 - x)]);
}

TEST_CASE("a quarter turn about the centre matches the rotated image", "[augment]") {
  for (int n : {8, 13}) {
    const std::vector<float> image = random_image(1, n, n, 7);
    AugmentDraw turn;
    turn.angle = 90.0f;  // y points down, so +90 degrees turns the content clockwise on screen
    const std::vector<float> out = warp(image, n, n, turn);
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) {
        INFO("n " << n << " y " << y << " x " << x);
        // Clockwise: the top row becomes the right column, out(y, x) = in(n - 1 - x, y).
        CHECK(out[y * n + x] == Approx(image[(n - 1 - x) * n + y]).margin(1e-5));
      }
  }
}

TEST_CASE("a general affine map with an elastic field matches a naive bilinear sampler", "[augment]") {
  const int h = 17, w = 23;  // odd sizes: the row padding and the centre at a half pixel
  const int stride = field_stride(w);
  const std::vector<float> image = random_image(1, h, w, 8);
  Rng rng(9);
  std::vector<float> dx(static_cast<std::size_t>(h) * stride, 0.0f), dy = dx;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      dx[y * stride + x] = rng.uniform(-3.0f, 3.0f);
      dy[y * stride + x] = rng.uniform(-3.0f, 3.0f);
    }
  for (int trial = 0; trial < 6; ++trial) {
    AugmentDraw d;
    d.angle = rng.uniform(-40.0f, 40.0f);
    d.scale = rng.uniform(0.7f, 1.4f);
    d.shear = rng.uniform(-20.0f, 20.0f);
    d.tx = rng.uniform(-4.0f, 4.0f);
    d.ty = rng.uniform(-4.0f, 4.0f);
    d.crop_x = static_cast<int>(rng.uniform_int(5)) - 2;
    d.crop_y = static_cast<int>(rng.uniform_int(5)) - 2;
    d.flip = trial % 2 == 1;
    const bool elastic = trial >= 3;
    const std::vector<float> out = warp(image, h, w, d, elastic ? dx.data() : nullptr, elastic ? dy.data() : nullptr);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        double sx = 0, sy = 0;
        reference_source(d, h, w, x, y, elastic ? dx[y * stride + x] : 0.0, elastic ? dy[y * stride + x] : 0.0, &sx, &sy);
        INFO("trial " << trial << " y " << y << " x " << x << " source " << sx << ", " << sy);
        CHECK(out[y * w + x] == Approx(bilinear(image, h, w, sx, sy)).margin(2e-5));
      }
  }
}

TEST_CASE("the Gaussian smoothing of a field matches a direct 2D sum", "[augment]") {
  for (const auto& [h, w, sigma] : {std::tuple{28, 28, 4.0f}, std::tuple{7, 19, 1.5f}, std::tuple{30, 5, 6.0f}}) {
    const int stride = field_stride(w);
    Rng rng(10);
    std::vector<float> field(static_cast<std::size_t>(h) * stride, 0.0f), scratch(field.size());
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) field[y * stride + x] = rng.uniform(-1.0f, 1.0f);
    const std::vector<float> noise = field;
    const float gain = 3.0f;
    const std::vector<float> g_rows = gaussian_matrix(h, h, sigma, gain), g_cols = gaussian_matrix(w, stride, sigma, 1.0f);
    smooth_field(g_rows.data(), g_cols.data(), h, w, field.data(), scratch.data());
    // gain * Σ g(y - v) g(x - u) noise(v, u) / (Σ_j g(j))^2, zero outside the plane.
    double norm = 0.0;
    for (int j = -200; j <= 200; ++j) norm += std::exp(-0.5 * j * j / (sigma * sigma));
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < stride; ++x) {
        double sum = 0.0;
        if (x < w)
          for (int v = 0; v < h; ++v)
            for (int u = 0; u < w; ++u)
              sum += std::exp(-0.5 * ((y - v) * (y - v) + (x - u) * (x - u)) / (sigma * sigma)) * noise[v * stride + u];
        INFO("h " << h << " w " << w << " y " << y << " x " << x);
        CHECK(field[y * stride + x] == Approx(gain * sum / (norm * norm)).margin(1e-5));  // padding columns stay 0
      }
  }
}

TEST_CASE("every channel is warped by the same map", "[augment]") {
  AugmentConfig config;
  config.rotation = 20.0f;
  config.scale_min = 0.8f;
  config.scale_max = 1.2f;
  config.translate = 2.0f;
  config.elastic_alpha = 30.0f;
  config.elastic_sigma = 4.0f;
  const int h = 15, w = 14, plane = h * w;
  Augmenter three(config, 3, h, w), one(config, 1, h, w);
  const std::vector<float> base = random_image(1, h, w, 11);
  std::vector<float> rgb(3 * plane);
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < plane; ++i) rgb[c * plane + i] = base[i] * 0.25f * static_cast<float>(1 << c);  // exact scalings
  std::vector<float> gray = base;
  three.apply(rgb.data(), 1, 5, 2, 40);
  one.apply(gray.data(), 1, 5, 2, 40);
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < plane; ++i) CHECK(rgb[c * plane + i] == gray[i] * 0.25f * static_cast<float>(1 << c));
}

TEST_CASE("augmentation is a function of (seed, epoch, position), not of the batch split", "[augment]") {
  AugmentConfig config;
  config.rotation = 15.0f;
  config.scale_min = 0.9f;
  config.scale_max = 1.1f;
  config.shear = 5.0f;
  config.translate = 2.5f;
  config.elastic_alpha = 34.0f;
  config.elastic_sigma = 4.0f;
  config.flip = true;
  config.crop = 2;
  const int count = 10, h = 12, w = 10, size = h * w;
  const std::vector<float> batch = random_image(count, h, w, 12);

  std::vector<float> whole = batch;
  Augmenter a(config, 1, h, w);
  a.apply(whole.data(), count, 77, 3, 1000);
  CHECK(whole != batch);

  // Two members taking 4 and 6 images, each with its own Augmenter (as two threads do).
  std::vector<float> split = batch;
  Augmenter b(config, 1, h, w), c(config, 1, h, w);
  c.apply(split.data() + 4 * size, 6, 77, 3, 1004);
  b.apply(split.data(), 4, 77, 3, 1000);
  CHECK(split == whole);

  // Another epoch, seed or position draws other images.
  for (const auto& [seed, epoch, first] : {std::tuple{77, 4, 1000}, std::tuple{78, 3, 1000}, std::tuple{77, 3, 1001}}) {
    std::vector<float> other = batch;
    Augmenter(config, 1, h, w).apply(other.data(), 1, static_cast<std::uint64_t>(seed), epoch, first);
    CHECK(!std::equal(other.begin(), other.begin() + size, whole.begin()));
  }
}

TEST_CASE("the draws cover their ranges", "[augment]") {
  AugmentConfig config;
  config.rotation = 10.0f;
  config.scale_min = 0.9f;
  config.scale_max = 1.2f;
  config.translate = 3.0f;
  config.crop = 2;
  config.flip = true;
  Augmenter a(config, 1, 8, 8);
  float lo_angle = 1e9f, hi_angle = -1e9f, lo_scale = 1e9f, hi_scale = -1e9f;
  int flips = 0, crops[5] = {};
  for (int i = 0; i < 2000; ++i) {
    Rng rng(augment_seed(1, 0, i));
    const AugmentDraw d = a.draw(rng);
    lo_angle = std::min(lo_angle, d.angle);
    hi_angle = std::max(hi_angle, d.angle);
    lo_scale = std::min(lo_scale, d.scale);
    hi_scale = std::max(hi_scale, d.scale);
    REQUIRE(std::abs(d.tx) <= 3.0f);
    REQUIRE(d.crop_x >= -2);
    REQUIRE(d.crop_x <= 2);
    ++crops[d.crop_x + 2];
    flips += d.flip;
  }
  CHECK(lo_angle >= -10.0f);
  CHECK(lo_angle < -9.9f);
  CHECK(hi_angle <= 10.0f);
  CHECK(hi_angle > 9.9f);
  CHECK(lo_scale >= 0.9f);
  CHECK(lo_scale < 0.91f);
  CHECK(hi_scale <= 1.2f);
  CHECK(hi_scale > 1.19f);
  CHECK(flips > 900);
  CHECK(flips < 1100);
  for (int k : crops) CHECK(k > 300);  // 400 expected for each of the 5 shifts
}

TEST_CASE("cutout sets a square of its side to the fill value, clipped at the border, and leaves the other draws alone",
          "[augment]") {
  const int h = 10, w = 9;
  AugmentConfig config;
  config.cutout = 4;
  config.rotation = 10.0f;
  AugmentConfig without = config;
  without.cutout = 0;
  // The same draws for every other transform with and without cutout (its draws come last).
  Rng a(5), b(5);
  const AugmentDraw with_cutout = Augmenter(config, 2, h, w).draw(a);
  const AugmentDraw plain = Augmenter(without, 2, h, w).draw(b);
  CHECK(with_cutout.angle == plain.angle);
  CHECK(with_cutout.scale == plain.scale);
  CHECK(plain.cutout_x == 0);

  // Cutout alone: the identity warp, then the square [y - 2, y + 2) x [x - 2, x + 2) in the image.
  config.rotation = 0.0f;
  Augmenter augmenter(config, 2, h, w, {0.25f, 0.75f});
  int clipped = 0;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    std::vector<float> image = random_image(2, h, w, seed + 100);
    const std::vector<float> original = image;
    Rng rng(seed);
    const AugmentDraw d = augmenter.apply_one(image.data(), rng);
    REQUIRE(d.cutout_y >= 0);
    REQUIRE(d.cutout_y < h);
    REQUIRE(d.cutout_x >= 0);
    REQUIRE(d.cutout_x < w);
    if (d.cutout_y < 2 || d.cutout_y + 2 > h || d.cutout_x < 2 || d.cutout_x + 2 > w) ++clipped;
    for (int c = 0; c < 2; ++c)
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
          const std::size_t i = static_cast<std::size_t>((c * h + y) * w + x);
          const bool inside = y >= d.cutout_y - 2 && y < d.cutout_y + 2 && x >= d.cutout_x - 2 && x < d.cutout_x + 2;
          INFO("seed " << seed << " c " << c << " y " << y << " x " << x);
          CHECK(image[i] == (inside ? (c == 0 ? 0.25f : 0.75f) : original[i]));
        }
  }
  CHECK(clipped > 0);  // some squares were cut by the border
}

TEST_CASE("random erasing: torchvision's rectangle shapes and probability, the fill inside, the rest untouched",
          "[augment]") {
  const int h = 12, w = 16;
  AugmentConfig config;
  config.erase_p = 0.5f;
  config.erase_scale_min = 0.05f;
  config.erase_scale_max = 0.3f;
  config.erase_ratio_min = 0.4f;
  config.erase_ratio_max = 2.5f;
  config.rotation = 10.0f;
  AugmentConfig without = config;
  without.erase_p = 0.0f;
  // The other transforms draw what they drew without erasing (its draws come last).
  Rng a(7), b(7);
  const AugmentDraw with_erasing = Augmenter(config, 2, h, w).draw(a);
  const AugmentDraw plain = Augmenter(without, 2, h, w).draw(b);
  CHECK(with_erasing.angle == plain.angle);
  CHECK(plain.erase_h == 0);

  config.rotation = 0.0f;  // the identity warp, so that every pixel outside the rectangle is the original
  Augmenter augmenter(config, 2, h, w, {0.25f, 0.75f});
  const int draws = 2000;
  int erased = 0, tall = 0, wide = 0;
  for (int seed = 0; seed < draws; ++seed) {
    std::vector<float> image = random_image(2, h, w, static_cast<std::uint64_t>(seed) + 100);
    const std::vector<float> original = image;
    Rng rng(static_cast<std::uint64_t>(seed));
    const AugmentDraw d = augmenter.apply_one(image.data(), rng);
    INFO("seed " << seed << ": " << d.erase_h << " x " << d.erase_w << " at " << d.erase_y << ", " << d.erase_x);
    if (d.erase_h > 0) {
      ++erased;
      REQUIRE(d.erase_h < h);
      REQUIRE(d.erase_w < w);
      REQUIRE(d.erase_y >= 0);
      REQUIRE(d.erase_x >= 0);
      REQUIRE(d.erase_y + d.erase_h <= h);
      REQUIRE(d.erase_x + d.erase_w <= w);
      // Within the area and aspect bounds, give or take the rounding of each side to whole pixels.
      const double area = static_cast<double>(d.erase_h) * d.erase_w / (h * w);
      const double lo = (std::sqrt(0.05 * h * w * 0.4) - 0.5) * (std::sqrt(0.05 * h * w / 2.5) - 0.5) / (h * w);
      CHECK(area >= lo);
      CHECK(area <= (std::sqrt(0.3 * h * w * 2.5) + 0.5) * (std::sqrt(0.3 * h * w / 0.4) + 0.5) / (h * w));
      const double ratio = static_cast<double>(d.erase_h) / d.erase_w;
      CHECK(ratio >= 0.4 * 0.5);
      CHECK(ratio <= 2.5 * 2.0);
      tall += d.erase_h > d.erase_w;
      wide += d.erase_w > d.erase_h;
    }
    for (int c = 0; c < 2; ++c)
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
          const std::size_t i = static_cast<std::size_t>((c * h + y) * w + x);
          const bool inside = y >= d.erase_y && y < d.erase_y + d.erase_h && x >= d.erase_x && x < d.erase_x + d.erase_w;
          if (image[i] != (inside ? (c == 0 ? 0.25f : 0.75f) : original[i])) FAIL("pixel c " << c << " y " << y << " x " << x);
        }
  }
  // p = 0.5 of 2,000 images: 1,000 expected (a few fail all ten shapes), sd 22.
  CHECK(erased > 880);
  CHECK(erased < 1080);
  CHECK(tall > 100);  // the log-uniform ratio gives both orientations
  CHECK(wide > 100);

  // A rectangle that never fits (an area fraction of at least 0.95 of a square at ratio 1 rounds to
  // the whole side) leaves the image as it is after the ten attempts.
  AugmentConfig never;
  never.erase_p = 1.0f;
  never.erase_scale_min = 0.95f;
  never.erase_scale_max = 1.0f;
  never.erase_ratio_min = never.erase_ratio_max = 1.0f;
  Augmenter whole(never, 1, 8, 8);
  std::vector<float> image = random_image(1, 8, 8, 3);
  const std::vector<float> original = image;
  Rng rng(3);
  CHECK(whole.apply_one(image.data(), rng).erase_h == 0);
  CHECK(image == original);
}
