// GlobalMaxPool implementation; semantics in global_max_pool.hpp.
#include "layers/global_max_pool.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "ops/first_max.hpp"

namespace cnn {

Shape GlobalMaxPool::setup(const Shape& in) {
  CNN_CHECK_CODE(in.rank() == 3, ExitCode::kUsage, "global_max_pool needs a (C, H, W) input, got {}", in.str());
  in_shape_ = in;
  channels_ = in[0];
  positions_ = in[1] * in[2];
  return Shape{channels_};
}

const Tensor& GlobalMaxPool::forward(const Tensor& x, Mode mode) {
  const int n = x.shape()[0];
  CNN_CHECK(x.shape() == in_shape_.with_batch(n), "global_max_pool: input {} does not match setup {}", x.shape().str(),
            in_shape_.str());
  y_.resize(Shape{n, channels_});
  backward_ready_ = backward_follows(mode);
  if (backward_ready_) argmax_.resize(y_.size());  // grows only: a step at a fixed batch size allocates nothing
  const std::size_t p = static_cast<std::size_t>(positions_);
  for (std::size_t i = 0; i < y_.size(); ++i) {
    const float* plane = x.data() + i * p;
    const std::size_t at = first_max_index(plane, p);
    y_[i] = plane[at];
    if (backward_ready_) argmax_[i] = static_cast<std::int32_t>(at);
  }
  return y_;
}

const Tensor& GlobalMaxPool::backward(const Tensor& dy) {
  CNN_CHECK(backward_ready_, "global_max_pool: backward needs a forward in training mode");
  CNN_CHECK(dy.shape() == y_.shape(), "global_max_pool: gradient {} does not match output {}", dy.shape().str(),
            y_.shape().str());
  Tensor& dx = input_gradient_buffer();
  dx.resize(in_shape_.with_batch(dy.shape()[0]));
  dx.fill(0.0f);
  const std::size_t p = static_cast<std::size_t>(positions_);
  for (std::size_t i = 0; i < dy.size(); ++i) dx[i * p + static_cast<std::size_t>(argmax_[i])] = dy[i];
  return dx;
}

const LayerKind& global_max_pool_layer_kind() {
  static const LayerKind kind =
      option_free_layer_kind("global_max_pool", [] { return std::make_unique<GlobalMaxPool>(); });
  return kind;
}

}  // namespace cnn
