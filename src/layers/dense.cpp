// Dense implementation; formulas and shapes in dense.hpp.
#include "layers/dense.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "ops/activation.hpp"
#include "ops/small_gemm.hpp"
#include "ops/transpose.hpp"

namespace cnn {

Dense::Dense(const DenseConfig& config) : config_(config) {
  CNN_CHECK(config.units > 0, "dense: units must be positive");
}

std::string Dense::describe() const {
  std::string s = fmt::format("{} units", config_.units);
  if (config_.activation != Activation::kNone) s += std::string(" ") + activation_name(config_.activation);
  return s;
}

Shape Dense::setup(const Shape& in) {
  CNN_CHECK_CODE(in.rank() >= 1 && in.numel() > 0, ExitCode::kUsage, "dense needs a non-empty input, got {}", in.str());
  const std::uint64_t params = saturating_product({std::uint64_t(config_.units), std::uint64_t(in.numel())});
  CNN_CHECK_CODE(in.numel() <= kMaxSampleElements && params <= kMaxLayerParameters, ExitCode::kUsage,
                 "dense: {} x {} weights is more than the limit of {}", config_.units, in.numel(), kMaxLayerParameters);
  in_shape_ = in;
  in_features_ = static_cast<int>(in.numel());
  weight_ = Tensor(Shape{config_.units, in_features_});
  dweight_ = Tensor(weight_.shape());
  bias_ = Tensor(Shape{config_.units});
  dbias_ = Tensor(bias_.shape());
  return Shape{config_.units};
}

const Tensor& Dense::forward(const Tensor& x, Mode mode) {
  const int n = x.shape()[0];
  const int u = config_.units, d = in_features_;
  CNN_CHECK(x.shape() == in_shape_.with_batch(n), "dense: input {} does not match setup", x.shape().str());
  x_ = &x;
  y_.resize(Shape{n, u});
  // silu and gelu in training: the product goes to z_, kept for backward, and y_ = act(z_).
  pre_activation_ready_ = activation_needs_input(config_.activation) && backward_follows(mode);
  if (pre_activation_ready_) z_.resize(y_.shape());
  Tensor& product = pre_activation_ready_ ? z_ : y_;
  for (int s = 0; s < n; ++s) std::copy(bias_.data(), bias_.data() + u, product.data() + static_cast<std::size_t>(s) * u);
  gemm_nt(n, u, d, x.data(), d, weight_.data(), d, product.data(), u);
  activation_forward(config_.activation, product.data(), y_.data(), y_.size());
  return y_;
}

const Tensor& Dense::backward(const Tensor& dy) {
  CNN_CHECK(x_ != nullptr, "dense: backward before forward");
  CNN_CHECK(dy.shape() == y_.shape(), "dense: gradient {} does not match output {}", dy.shape().str(), y_.shape().str());
  const int n = dy.shape()[0];
  const int u = config_.units, d = in_features_;
  dz_.resize(y_.shape());
  if (activation_needs_input(config_.activation)) {
    CNN_CHECK(pre_activation_ready_, "dense: backward needs a forward in training mode first ({})", activation_name(config_.activation));
    activation_backward_from_input(config_.activation, z_.data(), dy.data(), dz_.data(), dy.size());
  } else {
    activation_backward(config_.activation, y_.data(), dy.data(), dz_.data(), dy.size());
  }
  dz_t_.resize(Shape{u, n});
  transpose_block(dz_.data(), u, n, u, dz_t_.data(), n);
  gemm_nn(u, d, n, dz_t_.data(), n, x_->data(), d, dweight_.data(), d, /*accumulate=*/true);
  for (int s = 0; s < n; ++s)
    for (int o = 0; o < u; ++o) dbias_[o] += dz_[static_cast<std::size_t>(s) * u + o];
  Tensor& dx = input_gradient_buffer();
  dx.resize(in_shape_.with_batch(n));
  if (input_gradient_) gemm_nn(n, d, u, dz_.data(), u, weight_.data(), d, dx.data(), d, /*accumulate=*/false);
  return dx;
}

std::uint64_t Dense::macs_per_sample() const {
  return saturating_product({std::uint64_t(config_.units), std::uint64_t(in_features_)});
}

std::vector<Param> Dense::params() {
  return {{"weight", &weight_, &dweight_, in_features_, config_.units, ParamFill::kInitializer},
          {"bias", &bias_, &dbias_, in_features_, config_.units, ParamFill::kZeros}};
}

}  // namespace cnn
