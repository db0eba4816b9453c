// ActivationLayer implementation.
#include "layers/activation_layer.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace cnn {

std::string ActivationLayer::kind() const {
  return activation_ == Activation::kGeluTanh ? "gelu" : activation_name(activation_);
}

std::string ActivationLayer::describe() const { return activation_ == Activation::kGeluTanh ? "approximate tanh" : ""; }

const Tensor& ActivationLayer::forward(const Tensor& x, Mode) {
  x_ = &x;
  Tensor& y = activation_needs_input(activation_) ? output_buffer() : y_;
  y.resize(x.shape());
  y_shape_ = y.shape();
  activation_forward(activation_, x.data(), y.data(), y.size());
  return y;
}

const Tensor& ActivationLayer::backward(const Tensor& dy) {
  CNN_CHECK(dy.shape() == y_shape_, "{}: gradient {} does not match output {}", kind(), dy.shape().str(), y_shape_.str());
  Tensor& dx = input_gradient_buffer();
  dx.resize(dy.shape());
  if (activation_needs_input(activation_)) {
    CNN_CHECK(x_ != nullptr && x_->shape() == dy.shape(), "{}: backward needs the forward's input", kind());
    activation_backward_from_input(activation_, x_->data(), dy.data(), dx.data(), dy.size());
  } else {
    activation_backward(activation_, y_.data(), dy.data(), dx.data(), dy.size());
  }
  return dx;
}

}  // namespace cnn

namespace cnn {
namespace {

LayerKind activation_kind(Activation activation) {
  return option_free_layer_kind(activation_name(activation),
                                [activation] { return std::make_unique<ActivationLayer>(activation); });
}

// config: gelu, or gelu: {approximate: tanh}; model file: {"approximate": "none"}
Activation read_gelu(const LayerOptions& o) {
  o.allow_only({"approximate"});
  return o.has("approximate") ? o.choice("approximate", kGeluApproximationNames, "approximation") : Activation::kGelu;
}

nlohmann::json write_gelu(const Activation& activation) {
  return {{"approximate", kGeluApproximationNames.name(activation)}};
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
const LayerKind& silu_layer_kind() {
  static const LayerKind kind = activation_kind(Activation::kSilu);
  return kind;
}
const LayerKind& gelu_layer_kind() {
  static const LayerKind kind = layer_kind<ActivationLayer>("gelu", read_gelu, write_gelu);
  return kind;
}

}  // namespace cnn
