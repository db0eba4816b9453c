// The im2col methods' shared loops; see im2col_method.hpp.
#include "layers/conv_methods/im2col_method.hpp"

#include <algorithm>

#include "ops/activation.hpp"
#include "ops/vec.hpp"

namespace cnn {

Im2colMethod::Im2colMethod(const ConvProblem& p) : g_(p.geom), filters_(p.filters), activation_(p.activation) {
  col_ = Tensor(Shape{g_.col_rows(), g_.col_cols()});
  dcol_ = Tensor(col_.shape());
}

void Im2colMethod::forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Mode /*mode*/, Tensor& y) {
  const int n = x.shape()[0], f = filters_, p = g_.col_cols();
  const std::size_t in_stride = static_cast<std::size_t>(g_.channels) * g_.height * g_.width;
  const std::size_t out_stride = static_cast<std::size_t>(f) * p;
  for (int s = 0; s < n; ++s) {
    float* ys = y.data() + s * out_stride;
    im2col(g_, x.data() + s * in_stride, col_.data());
    // The bias is broadcast into y first so the product accumulates onto it.
    for (int o = 0; o < f; ++o) std::fill(ys + o * p, ys + (o + 1) * p, bias[o]);
    forward_product(weight, ys);
    // While the sample's output is still in cache.
    activation_forward(activation_, ys, out_stride);
  }
}

void Im2colMethod::backward(const Tensor& x, const Tensor& y, const Tensor& dy, const Tensor& weight, Tensor& dweight,
                            Tensor& dbias, Tensor* dx) {
  const int n = y.shape()[0], f = filters_, p = g_.col_cols();
  const std::size_t in_stride = static_cast<std::size_t>(g_.channels) * g_.height * g_.width;
  const std::size_t out_stride = static_cast<std::size_t>(f) * p;
  dz_.resize(y.shape());
  activation_backward(activation_, y.data(), dy.data(), dz_.data(), dy.size());
  if (dx != nullptr) {
    dx->fill(0.0f);  // col2im adds
    begin_input_gradient(weight);
  }
  for (int s = 0; s < n; ++s) {
    const float* dz = dz_.data() + s * out_stride;
    for (int o = 0; o < f; ++o) dbias[o] += sum_of(dz + static_cast<std::size_t>(o) * p, p);
    im2col(g_, x.data() + s * in_stride, col_.data());
    weight_gradient_product(dz, dweight);
    if (dx != nullptr) {
      input_gradient_product(weight, dz);
      col2im(g_, dcol_.data(), dx->data() + s * in_stride);
    }
  }
}

}  // namespace cnn
