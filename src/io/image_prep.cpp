// MNIST-style image preparation; steps in image_prep.hpp.
#include "io/image_prep.hpp"

#include <stb_image_resize.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace cnn {
namespace {

constexpr int kCanvas = 28;
constexpr int kBox = 20;
constexpr float kInkThreshold = 0.2f;
constexpr float kMinContrast = 0.1f;  // less difference than this between ink and paper: blank

float border_median(const GrayImage& img) {
  std::vector<float> border;
  for (int x = 0; x < img.width; ++x) {
    border.push_back(img.at(0, x));
    border.push_back(img.at(img.height - 1, x));
  }
  for (int y = 0; y < img.height; ++y) {
    border.push_back(img.at(y, 0));
    border.push_back(img.at(y, img.width - 1));
  }
  std::nth_element(border.begin(), border.begin() + static_cast<long>(border.size() / 2), border.end());
  return border[border.size() / 2];
}

}  // namespace

GrayImage prepare_mnist_style(const GrayImage& image, const std::string& name) {
  // Step 2: ink bright on dark, background at 0, strongest ink at 1.
  const float background = border_median(image);
  const bool invert = background > 0.5f;
  GrayImage ink = image;
  float paper = invert ? 1.0f - background : background;
  float strongest = 0.0f;
  for (float& v : ink.pixels) {
    v = invert ? 1.0f - v : v;
    strongest = std::max(strongest, v);
  }
  CNN_CHECK_CODE(strongest - paper >= kMinContrast, ExitCode::kIo,
                 "{}: the image is blank (no ink stands out from the background)", name);
  for (float& v : ink.pixels) v = std::clamp((v - paper) / (strongest - paper), 0.0f, 1.0f);

  // Step 3: bounding box of the ink.
  int top = ink.height, bottom = -1, left = ink.width, right = -1;
  for (int y = 0; y < ink.height; ++y)
    for (int x = 0; x < ink.width; ++x)
      if (ink.at(y, x) > kInkThreshold) {
        top = std::min(top, y);
        bottom = std::max(bottom, y);
        left = std::min(left, x);
        right = std::max(right, x);
      }
  CNN_CHECK_CODE(bottom >= 0, ExitCode::kIo, "{}: the image is blank (no ink found)", name);
  const int crop_w = right - left + 1, crop_h = bottom - top + 1;
  std::vector<float> crop(static_cast<std::size_t>(crop_w) * crop_h);
  for (int y = 0; y < crop_h; ++y)
    for (int x = 0; x < crop_w; ++x) crop[static_cast<std::size_t>(y) * crop_w + x] = ink.at(top + y, left + x);

  // Step 4: longer side to 20 pixels.
  const double scale = static_cast<double>(kBox) / std::max(crop_w, crop_h);
  const int box_w = std::clamp(static_cast<int>(std::lround(crop_w * scale)), 1, kBox);
  const int box_h = std::clamp(static_cast<int>(std::lround(crop_h * scale)), 1, kBox);
  std::vector<float> box(static_cast<std::size_t>(box_w) * box_h);
  CNN_CHECK_CODE(stbir_resize_float(crop.data(), crop_w, crop_h, 0, box.data(), box_w, box_h, 0, 1) != 0, ExitCode::kIo,
                 "{}: resizing failed", name);
  for (float& v : box) v = std::clamp(v, 0.0f, 1.0f);  // the resampling filter can overshoot

  // Step 5: centre of mass to the centre of the 28x28 canvas, keeping the box inside it.
  double mass = 0, cy = 0, cx = 0;
  for (int y = 0; y < box_h; ++y)
    for (int x = 0; x < box_w; ++x) {
      const double v = box[static_cast<std::size_t>(y) * box_w + x];
      mass += v;
      cy += v * y;
      cx += v * x;
    }
  CNN_CHECK_CODE(mass > 0, ExitCode::kIo, "{}: the image is blank after scaling", name);
  cy /= mass;
  cx /= mass;
  const int off_y = std::clamp(static_cast<int>(std::lround(kCanvas / 2.0 - 0.5 - cy)), 0, kCanvas - box_h);
  const int off_x = std::clamp(static_cast<int>(std::lround(kCanvas / 2.0 - 0.5 - cx)), 0, kCanvas - box_w);
  GrayImage out;
  out.width = out.height = kCanvas;
  out.pixels.assign(static_cast<std::size_t>(kCanvas) * kCanvas, 0.0f);
  for (int y = 0; y < box_h; ++y)
    for (int x = 0; x < box_w; ++x)
      out.pixels[static_cast<std::size_t>(off_y + y) * kCanvas + off_x + x] = box[static_cast<std::size_t>(y) * box_w + x];
  return out;
}

GrayImage as_raw_input(const GrayImage& image, int height, int width, const std::string& name) {
  CNN_CHECK_CODE(image.height == height && image.width == width, ExitCode::kIo,
                 "{}: --raw needs a {}x{} image like the model's input, this one is {}x{} (drop --raw to prepare it)", name,
                 width, height, image.width, image.height);
  return image;
}

}  // namespace cnn
