// GlobalAvgPool implementation; semantics in global_avg_pool.hpp.
#include "layers/global_avg_pool.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "ops/channel_sums.hpp"

namespace cnn {

Shape GlobalAvgPool::setup(const Shape& in) {
  CNN_CHECK_CODE(in.rank() == 3, ExitCode::kUsage, "global_avg_pool needs a (C, H, W) input, got {}", in.str());
  in_shape_ = in;
  channels_ = in[0];
  positions_ = in[1] * in[2];
  return Shape{channels_};
}

const Tensor& GlobalAvgPool::forward(const Tensor& x, Mode) {
  const int n = x.shape()[0];
  CNN_CHECK(x.shape() == in_shape_.with_batch(n), "global_avg_pool: input {} does not match setup {}", x.shape().str(),
            in_shape_.str());
  y_.resize(Shape{n, channels_});
  const float inv = 1.0f / static_cast<float>(positions_);
  const std::size_t p = static_cast<std::size_t>(positions_);
  for (std::size_t i = 0; i < y_.size(); ++i) y_[i] = sum8(x.data() + i * p, p) * inv;
  return y_;
}

const Tensor& GlobalAvgPool::backward(const Tensor& dy) {
  CNN_CHECK(dy.shape() == y_.shape(), "global_avg_pool: gradient {} does not match output {}", dy.shape().str(),
            y_.shape().str());
  Tensor& dx = input_gradient_buffer();
  dx.resize(in_shape_.with_batch(dy.shape()[0]));
  const float inv = 1.0f / static_cast<float>(positions_);
  const std::size_t p = static_cast<std::size_t>(positions_);
  for (std::size_t i = 0; i < dy.size(); ++i) std::fill(dx.data() + i * p, dx.data() + (i + 1) * p, dy[i] * inv);
  return dx;
}

const LayerKind& global_avg_pool_layer_kind() {
  static const LayerKind kind =
      option_free_layer_kind("global_avg_pool", [] { return std::make_unique<GlobalAvgPool>(); });
  return kind;
}

}  // namespace cnn
