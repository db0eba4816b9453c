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

namespace cnn {
namespace {

LayerKind activation_kind(Activation activation) {
  return option_free_layer_kind(activation_name(activation),
                                [activation] { return std::make_unique<ActivationLayer>(activation); });
}

}  // namespace

const LayerKind& relu_layer_kind() {
  static const LayerKind kind = activation_kind(Activation::kRelu);
  return kind;
}
const LayerKind& tanh_layer_kind() {
  static const LayerKind kind = activation_kind(Activation::kTanh);
  return kind;
}
const LayerKind& sigmoid_layer_kind() {
  static const LayerKind kind = activation_kind(Activation::kSigmoid);
  return kind;
}
const LayerKind& scaled_tanh_layer_kind() {
  static const LayerKind kind = activation_kind(Activation::kScaledTanh);
  return kind;
}

}  // namespace cnn
