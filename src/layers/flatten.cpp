// Flatten implementation.
#include "layers/flatten.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace cnn {

Shape Flatten::setup(const Shape& in) {
  in_shape_ = in;
  return Shape{static_cast<int>(in.numel())};
}

const Tensor& Flatten::forward(const Tensor& x, Mode) {
  const int n = x.shape()[0];
  CNN_CHECK(x.shape() == in_shape_.with_batch(n), "flatten: input {} does not match setup", x.shape().str());
  y_.resize(Shape{n, static_cast<int>(in_shape_.numel())});
  std::copy(x.data(), x.data() + x.size(), y_.data());
  return y_;
}

const Tensor& Flatten::backward(const Tensor& dy) {
  const int n = dy.shape()[0];
  Tensor& dx = input_gradient_buffer();
  dx.resize(in_shape_.with_batch(n));
  CNN_CHECK(dy.size() == dx.size(), "flatten: gradient {} does not match input", dy.shape().str());
  std::copy(dy.data(), dy.data() + dy.size(), dx.data());
  return dx;
}

}  // namespace cnn

namespace cnn {

const LayerKind& flatten_layer_kind() {
  static const LayerKind kind = option_free_layer_kind("flatten", [] { return std::make_unique<Flatten>(); });
  return kind;
}

}  // namespace cnn
