// Shifted-row helpers for stride-1 convolution; see shifted_rows.hpp.
#include "ops/shifted_rows.hpp"

#include <algorithm>

#include "ops/vec.hpp"

namespace cnn {

namespace {

// The image rows/columns that land inside the padded extent (the rest are never read).
int interior_rows(const ConvGeometry& g) { return std::max(0, std::min(g.height, padded_height(g) - g.pad_top)); }
int interior_cols(const ConvGeometry& g) { return std::max(0, std::min(g.width, padded_width(g) - g.pad_left)); }

}  // namespace

std::size_t padded_size(const ConvGeometry& g) {
  return static_cast<std::size_t>(g.channels) * padded_height(g) * padded_width(g) + static_cast<std::size_t>(g.extent_w()) +
         static_cast<std::size_t>(wide_stride(g) - wide_size(g));
}

void shifted_row_starts(const ConvGeometry& g, int* rows) {
  const int hp = padded_height(g), wp = padded_width(g);
  for (int c = 0; c < g.channels; ++c)
    for (int i = 0; i < g.kernel_h; ++i)
      for (int j = 0; j < g.kernel_w; ++j) *rows++ = (c * hp + i * g.dilation_h) * wp + j * g.dilation_w;
}

void fill_padded_interior(const ConvGeometry& g, const float* x, float* padded) {
  const int hp = padded_height(g), wp = padded_width(g);
  const int rows = interior_rows(g), cols = interior_cols(g);
  for (int c = 0; c < g.channels; ++c)
    for (int h = 0; h < rows; ++h) {
      const float* src = x + (static_cast<std::size_t>(c) * g.height + h) * g.width;
      float* dst = padded + (static_cast<std::size_t>(c) * hp + h + g.pad_top) * wp + g.pad_left;
      copy_row(src, cols, dst);
    }
}

void crop_padded(const ConvGeometry& g, const float* padded, float* dx) {
  const int hp = padded_height(g), wp = padded_width(g);
  const int rows = interior_rows(g), cols = interior_cols(g);
  std::fill(dx, dx + static_cast<std::size_t>(g.channels) * g.height * g.width, 0.0f);
  for (int c = 0; c < g.channels; ++c)
    for (int h = 0; h < rows; ++h) {
      const float* src = padded + (static_cast<std::size_t>(c) * hp + h + g.pad_top) * wp + g.pad_left;
      copy_row(src, cols, dx + (static_cast<std::size_t>(c) * g.height + h) * g.width);
    }
}

}  // namespace cnn
