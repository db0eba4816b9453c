// Naive reference operations; see naive_ops.hpp.
#include "reference/naive_ops.hpp"

#include <limits>

namespace cnn::reference {

Tensor conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& b, int stride_h, int stride_w, int pad_top,
                      int pad_left, int out_h, int out_w) {
  const int n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], wd = x.shape()[3];
  const int f = w.shape()[0], kh = w.shape()[2], kw = w.shape()[3];
  Tensor y(Shape{n, f, out_h, out_w});
  for (int s = 0; s < n; ++s)
    for (int o = 0; o < f; ++o)
      for (int oh = 0; oh < out_h; ++oh)
        for (int ow = 0; ow < out_w; ++ow) {
          double sum = b[o];
          for (int ch = 0; ch < c; ++ch)
            for (int i = 0; i < kh; ++i)
              for (int j = 0; j < kw; ++j) {
                const int ih = oh * stride_h - pad_top + i, iw = ow * stride_w - pad_left + j;
                if (ih >= 0 && ih < h && iw >= 0 && iw < wd) sum += static_cast<double>(x.at(s, ch, ih, iw)) * w.at(o, ch, i, j);
              }
          y.at(s, o, oh, ow) = static_cast<float>(sum);
        }
  return y;
}

void conv2d_backward(const Tensor& x, const Tensor& w, const Tensor& dy, int stride_h, int stride_w, int pad_top,
                     int pad_left, Tensor& dx, Tensor& dw, Tensor& db) {
  const int n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], wd = x.shape()[3];
  const int f = w.shape()[0], kh = w.shape()[2], kw = w.shape()[3];
  const int out_h = dy.shape()[2], out_w = dy.shape()[3];
  dx = Tensor(x.shape());
  dw = Tensor(w.shape());
  db = Tensor(Shape{f});
  for (int s = 0; s < n; ++s)
    for (int o = 0; o < f; ++o)
      for (int oh = 0; oh < out_h; ++oh)
        for (int ow = 0; ow < out_w; ++ow) {
          const float g = dy.at(s, o, oh, ow);
          db[o] += g;
          for (int ch = 0; ch < c; ++ch)
            for (int i = 0; i < kh; ++i)
              for (int j = 0; j < kw; ++j) {
                const int ih = oh * stride_h - pad_top + i, iw = ow * stride_w - pad_left + j;
                if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                dx.at(s, ch, ih, iw) += g * w.at(o, ch, i, j);
                dw.at(o, ch, i, j) += g * x.at(s, ch, ih, iw);
              }
        }
}

Tensor pool2d_forward(const Tensor& x, PoolType type, int kh, int kw, int sh, int sw) {
  const int n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], w = x.shape()[3];
  const int out_h = (h - kh) / sh + 1, out_w = (w - kw) / sw + 1;
  Tensor y(Shape{n, c, out_h, out_w});
  for (int s = 0; s < n; ++s)
    for (int ch = 0; ch < c; ++ch)
      for (int oh = 0; oh < out_h; ++oh)
        for (int ow = 0; ow < out_w; ++ow) {
          double acc = type == PoolType::kMax ? -std::numeric_limits<double>::infinity() : 0.0;
          for (int i = 0; i < kh; ++i)
            for (int j = 0; j < kw; ++j) {
              const double v = x.at(s, ch, oh * sh + i, ow * sw + j);
              acc = type == PoolType::kMax ? std::max(acc, v) : acc + v;
            }
          y.at(s, ch, oh, ow) = static_cast<float>(type == PoolType::kMax ? acc : acc / (kh * kw));
        }
  return y;
}

Tensor dense_forward(const Tensor& x, const Tensor& w, const Tensor& b) {
  const int n = x.shape()[0], u = w.shape()[0], d = w.shape()[1];
  Tensor y(Shape{n, u});
  for (int s = 0; s < n; ++s)
    for (int o = 0; o < u; ++o) {
      double sum = b[o];
      for (int i = 0; i < d; ++i) sum += static_cast<double>(x[static_cast<std::size_t>(s) * d + i]) * w[static_cast<std::size_t>(o) * d + i];
      y[static_cast<std::size_t>(s) * u + o] = static_cast<float>(sum);
    }
  return y;
}

}  // namespace cnn::reference
