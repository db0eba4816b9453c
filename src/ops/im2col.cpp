// im2col / col2im implementation; see im2col.hpp for the layout.
#include "ops/im2col.hpp"

#include <cstring>

namespace cnn {

void im2col(const ConvGeometry& g, const float* x, float* col) {
  const int plane = g.height * g.width;
  const int p = g.col_cols();
  for (int c = 0; c < g.channels; ++c) {
    const float* xc = x + c * plane;
    for (int i = 0; i < g.kernel_h; ++i) {
      for (int j = 0; j < g.kernel_w; ++j) {
        float* row = col + ((c * g.kernel_h + i) * g.kernel_w + j) * p;
        for (int oh = 0; oh < g.out_h; ++oh) {
          const int ih = oh * g.stride_h - g.pad_top + i;
          float* out = row + oh * g.out_w;
          if (ih < 0 || ih >= g.height) {
            std::memset(out, 0, sizeof(float) * static_cast<size_t>(g.out_w));
            continue;
          }
          const float* xrow = xc + ih * g.width;
          for (int ow = 0; ow < g.out_w; ++ow) {
            const int iw = ow * g.stride_w - g.pad_left + j;
            out[ow] = (iw >= 0 && iw < g.width) ? xrow[iw] : 0.0f;
          }
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
        for (int oh = 0; oh < g.out_h; ++oh) {
          const int ih = oh * g.stride_h - g.pad_top + i;
          if (ih < 0 || ih >= g.height) continue;
          float* dxrow = dxc + ih * g.width;
          const float* in = row + oh * g.out_w;
          for (int ow = 0; ow < g.out_w; ++ow) {
            const int iw = ow * g.stride_w - g.pad_left + j;
            if (iw >= 0 && iw < g.width) dxrow[iw] += in[ow];
          }
        }
      }
    }
  }
}

}  // namespace cnn
