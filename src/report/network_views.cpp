// Network views. See network_views.hpp.
#include "report/network_views.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"

namespace cnn {

namespace {

bool is_image_layer(const std::string& kind) { return kind == "conv" || kind == "pool"; }

std::uint8_t byte_of(float v) { return static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); }

}  // namespace

std::vector<FeatureMaps> feature_maps(Net& net, const float* image) {
  const Shape in = net.input_shape();
  Tensor x(in.with_batch(1));
  std::copy(image, image + in.numel(), x.data());
  std::vector<FeatureMaps> out;
  if (in.rank() == 3) out.push_back({"input", "what the network sees", Tensor(in)});
  if (in.rank() == 3) std::copy(image, image + in.numel(), out.back().maps.data());
  net.forward_every_layer(x);
  for (std::size_t i = 0; i < net.layer_count(); ++i) {
    Layer& layer = net.layer(i);
    const Tensor* current = net.layer_output(i);
    const Shape shape = current->shape().without_batch();
    if (!is_image_layer(layer.kind()) || shape.rank() != 3) continue;
    FeatureMaps maps{net.layer_name(i), layer.describe(), Tensor(shape)};
    std::copy(current->data(), current->data() + shape.numel(), maps.maps.data());
    out.push_back(std::move(maps));
  }
  return out;
}

bool has_conv_layer(const Net& net) {
  for (std::size_t i = 0; i < net.layer_count(); ++i)
    if (net.layer(i).kind() == "conv") return true;
  return false;
}

Canvas filter_grid(const Net& net, int cell) {
  for (std::size_t i = 0; i < net.layer_count(); ++i) {
    if (net.layer(i).kind() != "conv") continue;
    const Tensor* weight = nullptr;
    for (const Param& p : net.params())
      if (p.name == net.layer_name(i) + ".weight") weight = p.value;
    CNN_CHECK(weight != nullptr && weight->shape().rank() == 4, "{} has no (F, C, kh, kw) weight", net.layer_name(i));
    const int filters = weight->shape()[0], channels = weight->shape()[1];
    const int kh = weight->shape()[2], kw = weight->shape()[3];
    float biggest = 1e-12f;
    for (std::size_t k = 0; k < weight->size(); ++k) biggest = std::max(biggest, std::abs((*weight)[k]));
    const bool colour = channels == 3;
    const int shown_channels = colour ? 1 : std::min(channels, 8);
    const int tile_w = shown_channels * (kw * cell + 2), tile_h = kh * cell;
    const int columns = std::min(filters, 16), rows = (filters + columns - 1) / columns;
    const int gap = 8, label_h = 14;
    Canvas canvas(columns * (tile_w + gap) + gap, rows * (tile_h + gap + label_h) + gap);
    for (int f = 0; f < filters; ++f) {
      const int x0 = gap + (f % columns) * (tile_w + gap), y0 = gap + (f / columns) * (tile_h + gap + label_h);
      canvas.text(x0, y0, fmt::format("{}", f), palette::kGray);
      const float* w = weight->data() + static_cast<std::size_t>(f) * channels * kh * kw;
      for (int c = 0; c < shown_channels; ++c) {
        for (int y = 0; y < kh; ++y)
          for (int x = 0; x < kw; ++x) {
            Rgb rgb;
            if (colour) {
              // Each channel mapped from [-max, max] to [0, 1]: gray is zero.
              auto at = [&](int ch) { return byte_of(0.5f + 0.5f * w[(static_cast<std::size_t>(ch) * kh + y) * kw + x] / biggest); };
              rgb = {at(0), at(1), at(2)};
            } else {
              rgb = diverging(w[(static_cast<std::size_t>(c) * kh + y) * kw + x] / biggest);
            }
            canvas.fill_rect(x0 + c * (kw * cell + 2) + x * cell, y0 + label_h + y * cell, cell, cell, rgb);
          }
        canvas.stroke_rect(x0 + c * (kw * cell + 2) - 1, y0 + label_h - 1, kw * cell + 2, kh * cell + 2, palette::kLightGray);
      }
    }
    return canvas;
  }
  CNN_FAIL(ExitCode::kModel, "the network has no conv layer");
}

Canvas feature_map_grid(const FeatureMaps& layer, int min_side, int max_columns) {
  const Shape& s = layer.maps.shape();
  const int channels = s[0], h = s[1], w = s[2];
  const int scale = std::max(1, (min_side + std::max(h, w) - 1) / std::max(h, w));
  const int columns = std::min(channels, max_columns), rows = (channels + columns - 1) / columns;
  const int gap = 6, title_h = 22;
  const std::string title = layer.layer_name + "  " + layer.description + fmt::format("  ({} x {} x {})", channels, h, w);
  Canvas canvas(std::max(columns * (w * scale + gap) + gap, Canvas::text_width(title) + 2 * gap),
                title_h + rows * (h * scale + gap) + gap);
  canvas.text(gap, 6, title, palette::kBlack);
  for (int c = 0; c < channels; ++c) {
    const float* plane = layer.maps.data() + static_cast<std::size_t>(c) * h * w;
    const auto [lo_it, hi_it] = std::minmax_element(plane, plane + static_cast<std::size_t>(h) * w);
    const float lo = *lo_it, range = std::max(*hi_it - lo, 1e-12f);
    const Canvas image = plane_image(plane, h, w, scale, [&](float v) { return viridis((v - lo) / range); });
    canvas.blit(image, gap + (c % columns) * (w * scale + gap), title_h + (c / columns) * (h * scale + gap));
  }
  return canvas;
}

Canvas input_image(const float* image, const Shape& chw, int scale) {
  const int channels = chw[0], h = chw[1], w = chw[2];
  Canvas canvas(w * scale, h * scale);
  const std::size_t plane = static_cast<std::size_t>(h) * w;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * w + x;
      const Rgb rgb = channels == 3 ? Rgb{byte_of(image[i]), byte_of(image[plane + i]), byte_of(image[2 * plane + i])}
                                    : Rgb{byte_of(image[i]), byte_of(image[i]), byte_of(image[i])};
      canvas.fill_rect(x * scale, y * scale, scale, scale, rgb);
    }
  return canvas;
}

}  // namespace cnn
