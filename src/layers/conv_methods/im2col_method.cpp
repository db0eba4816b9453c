// The im2col methods' shared loops; see im2col_method.hpp.
#include "layers/conv_methods/im2col_method.hpp"

#include <algorithm>

#include "ops/activation.hpp"
#include "ops/vec.hpp"

namespace cnn {

Im2colMethod::Im2colMethod(const ConvProblem& p)
    : g_(p.geom),
      filters_(p.filters),
      groups_(p.groups),
      group_filters_(p.group_filters()),
      group_rows_(p.group_rows()),
      has_bias_(p.bias),
      activation_(p.activation) {
  col_ = Tensor(Shape{g_.col_rows(), g_.col_cols()});
  dcol_ = Tensor(col_.shape());
}

void Im2colMethod::forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Mode /*mode*/, Tensor& y) {
  const int n = x.shape()[0], f = filters_, p = g_.col_cols();
  const std::size_t in_stride = static_cast<std::size_t>(g_.channels) * g_.height * g_.width;
  const std::size_t out_stride = static_cast<std::size_t>(f) * p;
  const std::size_t w_block = static_cast<std::size_t>(group_filters_) * group_rows_;
  const std::size_t col_block = static_cast<std::size_t>(group_rows_) * p, y_block = static_cast<std::size_t>(group_filters_) * p;
  for (int s = 0; s < n; ++s) {
    float* ys = y.data() + s * out_stride;
    im2col(g_, x.data() + s * in_stride, col_.data());
    // The bias is broadcast into y first so the product accumulates onto it.
    if (has_bias_)
      for (int o = 0; o < f; ++o) std::fill(ys + o * p, ys + (o + 1) * p, bias[o]);
    for (int gi = 0; gi < groups_; ++gi)
      forward_product(gi, weight.data() + gi * w_block, col_.data() + gi * col_block, ys + gi * y_block, has_bias_);
    // While the sample's output is still in cache.
    activation_forward(activation_, ys, out_stride);
  }
}

void Im2colMethod::backward(const Tensor& x, const Tensor& y, const Tensor& dy, const Tensor& weight, Tensor& dweight,
                            Tensor& dbias, Tensor* dx) {
  const int n = y.shape()[0], f = filters_, p = g_.col_cols();
  const std::size_t in_stride = static_cast<std::size_t>(g_.channels) * g_.height * g_.width;
  const std::size_t out_stride = static_cast<std::size_t>(f) * p;
  const std::size_t w_block = static_cast<std::size_t>(group_filters_) * group_rows_;
  const std::size_t col_block = static_cast<std::size_t>(group_rows_) * p, y_block = static_cast<std::size_t>(group_filters_) * p;
  // dz = dy * act'(y); without an activation dz is dy itself, read in place (no batch-sized copy).
  const bool has_activation = activation_ != Activation::kNone;
  if (has_activation) {
    dz_.resize(y.shape());
    activation_backward(activation_, y.data(), dy.data(), dz_.data(), dy.size());
  }
  const float* dz_all = has_activation ? dz_.data() : dy.data();
  if (dx != nullptr) {
    dx->fill(0.0f);  // col2im adds
    begin_input_gradient(weight);
  }
  for (int s = 0; s < n; ++s) {
    const float* dz = dz_all + s * out_stride;
    if (has_bias_)
      for (int o = 0; o < f; ++o) dbias[o] += sum_of(dz + static_cast<std::size_t>(o) * p, p);
    im2col(g_, x.data() + s * in_stride, col_.data());
    for (int gi = 0; gi < groups_; ++gi)
      weight_gradient_product(gi, dz + gi * y_block, col_.data() + gi * col_block, dweight.data() + gi * w_block);
    if (dx != nullptr) {
      for (int gi = 0; gi < groups_; ++gi)
        input_gradient_product(gi, weight.data() + gi * w_block, dz + gi * y_block, dcol_.data() + gi * col_block);
      col2im(g_, dcol_.data(), dx->data() + s * in_stride);
    }
  }
}

}  // namespace cnn
