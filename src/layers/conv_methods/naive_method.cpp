// ConvMethod::kNaive; the formulas in naive_method.hpp.
#include "layers/conv_methods/naive_method.hpp"

#include "ops/activation.hpp"

namespace cnn {

void NaiveMethod::forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Mode /*mode*/, Tensor& y) {
  const int n = x.shape()[0], fg = filters_ / groups_, cg = g_.channels / groups_;
  for (int s = 0; s < n; ++s)
    for (int o = 0; o < filters_; ++o)
      for (int oh = 0; oh < g_.out_h; ++oh)
        for (int ow = 0; ow < g_.out_w; ++ow) {
          float sum = has_bias_ ? bias[o] : 0.0f;
          for (int c = 0; c < cg; ++c)
            for (int i = 0; i < g_.kernel_h; ++i)
              for (int j = 0; j < g_.kernel_w; ++j) {
                const int ih = oh * g_.stride_h - g_.pad_top + i * g_.dilation_h;
                const int iw = ow * g_.stride_w - g_.pad_left + j * g_.dilation_w;
                if (ih < 0 || ih >= g_.height || iw < 0 || iw >= g_.width) continue;
                sum += x.at(s, o / fg * cg + c, ih, iw) * weight.at(o, c, i, j);
              }
          y.at(s, o, oh, ow) = sum;
        }
  activation_forward(activation_, y.data(), y.size());
}

void NaiveMethod::backward(const Tensor& x, const Tensor& y, const Tensor& dy, const Tensor& weight, Tensor& dweight,
                           Tensor& dbias, Tensor* dx) {
  const int n = x.shape()[0], fg = filters_ / groups_, cg = g_.channels / groups_;
  dz_.resize(y.shape());
  activation_backward(activation_, y.data(), dy.data(), dz_.data(), dy.size());
  if (dx != nullptr) dx->fill(0.0f);
  for (int s = 0; s < n; ++s)
    for (int o = 0; o < filters_; ++o)
      for (int oh = 0; oh < g_.out_h; ++oh)
        for (int ow = 0; ow < g_.out_w; ++ow) {
          const float g = dz_.at(s, o, oh, ow);
          if (has_bias_) dbias[o] += g;
          for (int c = 0; c < cg; ++c)
            for (int i = 0; i < g_.kernel_h; ++i)
              for (int j = 0; j < g_.kernel_w; ++j) {
                const int ih = oh * g_.stride_h - g_.pad_top + i * g_.dilation_h;
                const int iw = ow * g_.stride_w - g_.pad_left + j * g_.dilation_w;
                if (ih < 0 || ih >= g_.height || iw < 0 || iw >= g_.width) continue;
                const int ch = o / fg * cg + c;
                dweight.at(o, c, i, j) += g * x.at(s, ch, ih, iw);
                if (dx != nullptr) dx->at(s, ch, ih, iw) += g * weight.at(o, c, i, j);
              }
        }
}

}  // namespace cnn
