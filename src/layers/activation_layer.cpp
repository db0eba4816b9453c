// ActivationLayer implementation.
#include "layers/activation_layer.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace cnn {

const Tensor& ActivationLayer::forward(const Tensor& x, Mode) {
  y_.resize(x.shape());
  std::copy(x.data(), x.data() + x.size(), y_.data());
  activation_forward(activation_, y_.data(), y_.size());
  return y_;
}

const Tensor& ActivationLayer::backward(const Tensor& dy) {
  CNN_CHECK(dy.shape() == y_.shape(), "{}: gradient {} does not match output {}", kind(), dy.shape().str(), y_.shape().str());
  dx_.resize(dy.shape());
  activation_backward(activation_, y_.data(), dy.data(), dx_.data(), dy.size());
  return dx_;
}

}  // namespace cnn
