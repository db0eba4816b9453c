// Evidence pictures. See evidence_views.hpp.
#include "report/evidence_views.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace cnn {

namespace {

constexpr double kImageBrightness = 0.55;  // the dimmed image under the map
constexpr double kMaxOpacity = 0.85;       // the map's opacity at its top value

// The value at quantile q of the positive values (0 when there are none).
float top_value(const std::vector<float>& heat, double q) {
  std::vector<float> positive;
  for (float v : heat)
    if (v > 0) positive.push_back(v);
  if (positive.empty()) return 0;
  const std::size_t at = std::min(positive.size() - 1, static_cast<std::size_t>(std::floor(q * static_cast<double>(positive.size() - 1))));
  std::nth_element(positive.begin(), positive.begin() + static_cast<std::ptrdiff_t>(at), positive.end());
  return positive[at];
}

std::uint8_t mix(double under, double over, double opacity) {
  return static_cast<std::uint8_t>(std::clamp(under * (1 - opacity) + over * opacity, 0.0, 255.0) + 0.5);
}

}  // namespace

Canvas evidence_overlay(const float* image, const Shape& chw, const std::vector<float>& heat, int scale, double clip_quantile) {
  const int channels = chw[0], h = chw[1], w = chw[2];
  const std::size_t plane = static_cast<std::size_t>(h) * w;
  CNN_CHECK(heat.size() == plane, "evidence_overlay: a map of {} values for a {}x{} image", heat.size(), h, w);
  const float top = top_value(heat, clip_quantile);
  Canvas canvas(w * scale, h * scale);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * w + x;
      double r, g, b;
      if (channels == 3) {
        r = image[i];
        g = image[plane + i];
        b = image[2 * plane + i];
      } else {
        double mean = 0;
        for (int c = 0; c < channels; ++c) mean += image[c * plane + i];
        r = g = b = mean / channels;
      }
      const double dim = 255.0 * kImageBrightness;
      r = std::clamp(r, 0.0, 1.0) * dim;
      g = std::clamp(g, 0.0, 1.0) * dim;
      b = std::clamp(b, 0.0, 1.0) * dim;
      const float t = top > 0 ? std::min(heat[i] / top, 1.0f) : 0.0f;
      const Rgb colour = viridis(t);
      const double opacity = kMaxOpacity * t;
      canvas.fill_rect(x * scale, y * scale, scale, scale, {mix(r, colour.r, opacity), mix(g, colour.g, opacity), mix(b, colour.b, opacity)});
    }
  return canvas;
}

}  // namespace cnn
