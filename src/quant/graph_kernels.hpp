// The loops that the float run (quant/inference_run.hpp) and the int8 run (quant/int8_run.hpp)
// share: a convolution's and a dense layer's multiply-accumulate and a pooling window's bounds,
// over any arithmetic type (float, or int32 for int8 values less their zero point).
#pragma once

#include <algorithm>

#include "ops/im2col.hpp"
#include "quant/inference_graph.hpp"

namespace cnn {

// Output positions j in [0, out) whose input index j * stride + offset lies in [0, size): [*lo, *hi).
inline void inside_range(int offset, int stride, int size, int out, int* lo, int* hi) {
  *lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  *hi = size - offset <= 0 ? 0 : std::min(out, (size - offset + stride - 1) / stride);
  if (*hi < *lo) *hi = *lo;
}

// acc (F, OH, OW) += the cross-correlation of x (C, H, W) with w (F, C / groups, KH, KW), zero
// padding; acc holds the bias already. The padding adds nothing: for int8 values less their
// zero point, a padded zero is exactly the zero point.
template <typename Acc, typename X, typename W>
void conv_accumulate(const ConvGeometry& g, int groups, int filters, const X* x, const W* w, Acc* acc) {
  const int cg = g.channels / groups, fg = filters / groups;
  for (int f = 0; f < filters; ++f) {
    const X* xg = x + static_cast<std::ptrdiff_t>(f / fg) * cg * g.height * g.width;
    Acc* y = acc + static_cast<std::ptrdiff_t>(f) * g.out_h * g.out_w;
    for (int c = 0; c < cg; ++c)
      for (int a = 0; a < g.kernel_h; ++a) {
        int i_lo, i_hi;
        inside_range(a * g.dilation_h - g.pad_top, g.stride_h, g.height, g.out_h, &i_lo, &i_hi);
        for (int b = 0; b < g.kernel_w; ++b) {
          const Acc wv = static_cast<Acc>(w[((static_cast<std::ptrdiff_t>(f) * cg + c) * g.kernel_h + a) * g.kernel_w + b]);
          const int column = b * g.dilation_w - g.pad_left;
          int j_lo, j_hi;
          inside_range(column, g.stride_w, g.width, g.out_w, &j_lo, &j_hi);
          for (int i = i_lo; i < i_hi; ++i) {
            const X* xr = xg + (static_cast<std::ptrdiff_t>(c) * g.height + i * g.stride_h + a * g.dilation_h - g.pad_top) * g.width;
            Acc* yr = y + static_cast<std::ptrdiff_t>(i) * g.out_w;
            for (int j = j_lo; j < j_hi; ++j) yr[j] += wv * static_cast<Acc>(xr[j * g.stride_w + column]);
          }
        }
      }
  }
}

// acc (U) += w (U, D) x (D); acc holds the bias already.
template <typename Acc, typename X, typename W>
void dense_accumulate(int units, int d, const X* x, const W* w, Acc* acc) {
  for (int u = 0; u < units; ++u) {
    const W* wu = w + static_cast<std::ptrdiff_t>(u) * d;
    Acc sum = 0;
    for (int k = 0; k < d; ++k) sum += static_cast<Acc>(wu[k]) * static_cast<Acc>(x[k]);
    acc[u] += sum;
  }
}

// Pooling window (i, j)'s real rows [r0, r1) and columns [s0, s1) of an h x w plane.
struct WindowBounds {
  int r0, r1, s0, s1;
  int count() const { return (r1 - r0) * (s1 - s0); }
};
inline WindowBounds window_bounds(const PoolWindows& p, int h, int w, int i, int j) {
  const int r = i * p.stride_h - p.pad_top, s = j * p.stride_w - p.pad_left;
  return {std::max(r, 0), std::min(r + p.kernel_h, h), std::max(s, 0), std::min(s + p.kernel_w, w)};
}

}  // namespace cnn
