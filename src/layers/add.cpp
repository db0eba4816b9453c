// Add implementation.
#include "layers/add.hpp"

namespace cnn {

Shape Add::setup_inputs(const std::vector<Shape>& in) {
  CNN_CHECK_CODE(in.size() >= 2, ExitCode::kUsage, "add needs at least two inputs, got {}", in.size());
  for (std::size_t k = 1; k < in.size(); ++k)
    CNN_CHECK_CODE(in[k] == in[0], ExitCode::kUsage, "add: input {} is {} but input 1 is {}; added outputs need one shape",
                   k + 1, in[k].str(), in[0].str());
  shape_ = in[0];
  dx_.assign(in.size(), nullptr);
  return shape_;
}

const Tensor& Add::forward_inputs(const std::vector<const Tensor*>& x, Mode) {
  CNN_CHECK(x.size() == dx_.size(), "add: {} inputs, set up for {}", x.size(), dx_.size());
  const int n = x[0]->shape()[0];
  for (const Tensor* t : x) CNN_CHECK(t->shape() == shape_.with_batch(n), "add: input {} does not match setup", t->shape().str());
  Tensor& out = output_buffer();
  out.resize(x[0]->shape());
  out_shape_ = out.shape();
  float* y = out.data();
  const float* a = x[0]->data();
  const float* b = x[1]->data();
  const std::size_t size = out.size();
  for (std::size_t i = 0; i < size; ++i) y[i] = a[i] + b[i];
  for (std::size_t k = 2; k < x.size(); ++k) {
    const float* c = x[k]->data();
    for (std::size_t i = 0; i < size; ++i) y[i] += c[i];
  }
  return out;
}

const std::vector<const Tensor*>& Add::backward_inputs(const Tensor& dy) {
  CNN_CHECK(dy.shape() == out_shape_, "add: gradient {} does not match the output {}", dy.shape().str(), out_shape_.str());
  for (auto& d : dx_) d = &dy;
  return dx_;
}

const LayerKind& add_layer_kind() {
  static const LayerKind kind = [] {
    LayerKind k = option_free_layer_kind("add", [] { return std::make_unique<Add>(); });
    k.max_inputs = kManyInputs;
    return k;
  }();
  return kind;
}

}  // namespace cnn
