// Naive reference operations; see naive_ops.hpp.
#include "reference/naive_ops.hpp"

#include <limits>
#include <vector>

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

Tensor general_conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& b, const ConvShape& g) {
  const int n = x.shape()[0], h = x.shape()[2], wd = x.shape()[3];
  const int f = w.shape()[0], cg = w.shape()[1], kh = w.shape()[2], kw = w.shape()[3];
  const int fg = f / g.groups;
  Tensor y(Shape{n, f, g.out_h, g.out_w});
  for (int s = 0; s < n; ++s)
    for (int o = 0; o < f; ++o)
      for (int oh = 0; oh < g.out_h; ++oh)
        for (int ow = 0; ow < g.out_w; ++ow) {
          double sum = b.size() == 0 ? 0.0 : b[static_cast<std::size_t>(o)];
          for (int ch = 0; ch < cg; ++ch)
            for (int i = 0; i < kh; ++i)
              for (int j = 0; j < kw; ++j) {
                const int ih = oh * g.stride_h - g.pad_top + i * g.dilation_h, iw = ow * g.stride_w - g.pad_left + j * g.dilation_w;
                const int in_channel = o / fg * cg + ch;
                if (ih >= 0 && ih < h && iw >= 0 && iw < wd)
                  sum += static_cast<double>(x.at(s, in_channel, ih, iw)) * w.at(o, ch, i, j);
              }
          y.at(s, o, oh, ow) = static_cast<float>(sum);
        }
  return y;
}

void general_conv2d_backward(const Tensor& x, const Tensor& w, const Tensor& dy, const ConvShape& g, Tensor& dx, Tensor& dw,
                             Tensor& db) {
  const int n = x.shape()[0], h = x.shape()[2], wd = x.shape()[3];
  const int f = w.shape()[0], cg = w.shape()[1], kh = w.shape()[2], kw = w.shape()[3];
  const int fg = f / g.groups;
  std::vector<double> sx(x.size()), sw(w.size()), sb(static_cast<std::size_t>(f));
  auto x_index = [&](int s, int ch, int ih, int iw) { return ((static_cast<std::size_t>(s) * x.shape()[1] + ch) * h + ih) * wd + iw; };
  auto w_index = [&](int o, int ch, int i, int j) { return ((static_cast<std::size_t>(o) * cg + ch) * kh + i) * kw + j; };
  for (int s = 0; s < n; ++s)
    for (int o = 0; o < f; ++o)
      for (int oh = 0; oh < g.out_h; ++oh)
        for (int ow = 0; ow < g.out_w; ++ow) {
          const double d = dy.at(s, o, oh, ow);
          sb[static_cast<std::size_t>(o)] += d;
          for (int ch = 0; ch < cg; ++ch)
            for (int i = 0; i < kh; ++i)
              for (int j = 0; j < kw; ++j) {
                const int ih = oh * g.stride_h - g.pad_top + i * g.dilation_h, iw = ow * g.stride_w - g.pad_left + j * g.dilation_w;
                if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                const int in_channel = o / fg * cg + ch;
                sx[x_index(s, in_channel, ih, iw)] += d * w[w_index(o, ch, i, j)];
                sw[w_index(o, ch, i, j)] += d * x[x_index(s, in_channel, ih, iw)];
              }
        }
  dx = Tensor(x.shape());
  dw = Tensor(w.shape());
  db = Tensor(Shape{f});
  for (std::size_t i = 0; i < sx.size(); ++i) dx[i] = static_cast<float>(sx[i]);
  for (std::size_t i = 0; i < sw.size(); ++i) dw[i] = static_cast<float>(sw[i]);
  for (std::size_t i = 0; i < sb.size(); ++i) db[i] = static_cast<float>(sb[i]);
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
