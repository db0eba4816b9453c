// im2col / col2im implementation; see im2col.hpp for the layout.
#include "ops/im2col.hpp"

#include <algorithm>

namespace cnn {

namespace {

// Output columns ow whose input column ow * stride - pad + tap lies inside [0, width): [lo, hi),
// tap = j * dilation for kernel column j. Computed once per kernel column so the inner loops
// carry no bounds checks.
void valid_range(int tap, int stride, int pad, int width, int out_w, int* lo, int* hi) {
  const int offset = tap - pad;  // input column of ow = 0
  *lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  *hi = width - offset <= 0 ? 0 : std::min(out_w, (width - offset + stride - 1) / stride);
  if (*hi < *lo) *hi = *lo;
}

}  // namespace

void im2col(const ConvGeometry& g, const float* x, float* col) {
  const int plane = g.height * g.width;
  const int p = g.col_cols();
  for (int c = 0; c < g.channels; ++c) {
    const float* xc = x + c * plane;
    for (int i = 0; i < g.kernel_h; ++i) {
      for (int j = 0; j < g.kernel_w; ++j) {
        float* row = col + ((c * g.kernel_h + i) * g.kernel_w + j) * p;
        int lo = 0, hi = 0;
        valid_range(j * g.dilation_w, g.stride_w, g.pad_left, g.width, g.out_w, &lo, &hi);
        const int shift = j * g.dilation_w - g.pad_left;
        for (int oh = 0; oh < g.out_h; ++oh) {
          const int ih = oh * g.stride_h - g.pad_top + i * g.dilation_h;
          float* out = row + oh * g.out_w;
          if (ih < 0 || ih >= g.height) {
            for (int ow = 0; ow < g.out_w; ++ow) out[ow] = 0.0f;
            continue;
          }
          // Plain loops, not memcpy/memset: rows are a few dozen floats, where a libc call costs
          // more than the copy (this file is built with -fno-tree-loop-distribute-patterns so
          // the compiler keeps them as loops).
          const float* xrow = xc + ih * g.width + shift;
          for (int ow = 0; ow < lo; ++ow) out[ow] = 0.0f;
          if (g.stride_w == 1) {
            for (int ow = lo; ow < hi; ++ow) out[ow] = xrow[ow];
          } else {
            for (int ow = lo; ow < hi; ++ow) out[ow] = xrow[ow * g.stride_w];
          }
          for (int ow = hi; ow < g.out_w; ++ow) out[ow] = 0.0f;
        }
      }
    }
  }
}

void col2im(const ConvGeometry& g, const float* col, float* dx) {
  const int plane = g.height * g.width;
  const int p = g.col_cols();
  for (int c = 0; c < g.channels; ++c) {
    float* dxc = dx + c * plane;
    for (int i = 0; i < g.kernel_h; ++i) {
      for (int j = 0; j < g.kernel_w; ++j) {
        const float* row = col + ((c * g.kernel_h + i) * g.kernel_w + j) * p;
        int lo = 0, hi = 0;
        valid_range(j * g.dilation_w, g.stride_w, g.pad_left, g.width, g.out_w, &lo, &hi);
        const int shift = j * g.dilation_w - g.pad_left;
        for (int oh = 0; oh < g.out_h; ++oh) {
          const int ih = oh * g.stride_h - g.pad_top + i * g.dilation_h;
          if (ih < 0 || ih >= g.height) continue;
          float* dxrow = dxc + ih * g.width + shift;
          const float* in = row + oh * g.out_w;
          if (g.stride_w == 1) {
            for (int ow = lo; ow < hi; ++ow) dxrow[ow] += in[ow];
          } else {
            for (int ow = lo; ow < hi; ++ow) dxrow[ow * g.stride_w] += in[ow];
          }
        }
      }
    }
  }
}

}  // namespace cnn
