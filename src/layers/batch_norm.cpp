// BatchNorm implementation; semantics in batch_norm.hpp.
#include "layers/batch_norm.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "ops/channel_sums.hpp"

namespace cnn {

BatchNorm::BatchNorm(const BatchNormConfig& config) : config_(config) {
  CNN_CHECK(config.momentum >= 0.0 && config.momentum <= 1.0, "batch_norm: momentum {} outside [0, 1]", config.momentum);
  CNN_CHECK(config.eps > 0.0, "batch_norm: eps {} must be positive", config.eps);
}

std::string BatchNorm::describe() const { return fmt::format("momentum {:g} eps {:g}", config_.momentum, config_.eps); }

Shape BatchNorm::setup(const Shape& in) {
  CNN_CHECK_CODE(in.rank() == 1 || in.rank() == 3, ExitCode::kUsage,
                 "batch_norm needs a (C, H, W) input (after a conv) or a (features) input (after a dense layer), got {}",
                 in.str());
  in_shape_ = in;
  channels_ = in[0];
  positions_ = in.rank() == 3 ? in[1] * in[2] : 1;
  for (Tensor* t : {&gamma_, &beta_, &dgamma_, &dbeta_, &running_mean_, &running_var_}) t->resize(Shape{channels_});
  gamma_.fill(1.0f);
  beta_.fill(0.0f);
  running_mean_.fill(0.0f);
  running_var_.fill(1.0f);
  for (auto* v : {&mean_, &inv_std_, &scale_, &shift_, &mean_dy_, &mean_dy_xhat_, &dx_factor_}) v->assign(static_cast<std::size_t>(channels_), 0.0f);
  xhat_row_.assign(static_cast<std::size_t>(positions_), 0.0f);
  sums_.assign(1 + 2 * static_cast<std::size_t>(channels_), 0.0);
  return in;
}

std::vector<Param> BatchNorm::params() {
  Param gamma{"weight", &gamma_, &dgamma_, 1, 1, ParamFill::kOnes};
  Param beta{"bias", &beta_, &dbeta_, 1, 1, ParamFill::kZeros};
  gamma.weight_decay = beta.weight_decay = false;
  return {gamma, beta};
}

std::vector<Param> BatchNorm::state() {
  return {{"running_mean", &running_mean_, nullptr, 0, 0, ParamFill::kZeros},
          {"running_var", &running_var_, nullptr, 0, 0, ParamFill::kOnes}};
}

void BatchNorm::batch_statistics(const Tensor& x) {
  const int n = x.shape()[0];
  const std::size_t c_count = static_cast<std::size_t>(channels_);
  sums_.assign(1 + 2 * c_count, 0.0);  // within its capacity from setup: no allocation
  double* s1 = sums_.data() + 1;
  double* s2 = s1 + c_count;
  sums_[0] = static_cast<double>(n) * positions_;
  // Shift by the running mean: the same k on every replica, and close to the batch mean once
  // training has begun, so E[(x-k)^2] - E[x-k]^2 does not cancel.
  if (positions_ > 1) {
    for (int s = 0; s < n; ++s)
      for (std::size_t c = 0; c < c_count; ++c)
        shifted_moments(x.data() + (static_cast<std::size_t>(s) * c_count + c) * positions_,
                        static_cast<std::size_t>(positions_), running_mean_[c], &s1[c], &s2[c]);
  } else {
    for (int s = 0; s < n; ++s) {
      const float* xs = x.data() + static_cast<std::size_t>(s) * c_count;
      for (std::size_t c = 0; c < c_count; ++c) {  // across features: vectorises
        const double d = static_cast<double>(xs[c]) - running_mean_[c];
        s1[c] += d;
        s2[c] += d * d;
      }
    }
  }
  if (reducer_ != nullptr) reducer_->sum(sums_.data(), sums_.size());
  const double m = sums_[0];
  const double momentum = config_.momentum;
  for (std::size_t c = 0; c < c_count; ++c) {
    const double shifted_mean = s1[c] / m;
    const double mean = running_mean_[c] + shifted_mean;
    const double var = std::max(s2[c] / m - shifted_mean * shifted_mean, 0.0);  // biased
    mean_[c] = static_cast<float>(mean);
    inv_std_[c] = static_cast<float>(1.0 / std::sqrt(var + config_.eps));
    if (m > 1.0) {
      running_mean_[c] = static_cast<float>((1.0 - momentum) * running_mean_[c] + momentum * mean);
      running_var_[c] = static_cast<float>((1.0 - momentum) * running_var_[c] + momentum * var * m / (m - 1.0));
    }
  }
  batch_count_ = m;
}

const Tensor& BatchNorm::forward(const Tensor& x, Mode mode) {
  const int n = x.shape()[0];
  CNN_CHECK(x.shape() == in_shape_.with_batch(n), "batch_norm: input {} does not match setup {}", x.shape().str(),
            in_shape_.str());
  Tensor& y = output_buffer();
  y.resize(x.shape());
  const std::size_t c_count = static_cast<std::size_t>(channels_), p = static_cast<std::size_t>(positions_);
  backward_ready_ = backward_follows(mode);
  running_statistics_ = mode != Mode::kTrain;
  x_ = backward_ready_ ? &x : nullptr;
  if (mode == Mode::kTrain) {
    batch_statistics(x);
    for (int s = 0; s < n; ++s) {
      const std::size_t first = static_cast<std::size_t>(s) * c_count * p;
      const float* xs = x.data() + first;
      float* ys = y.data() + first;
      if (p == 1) {
        for (std::size_t c = 0; c < c_count; ++c) ys[c] = gamma_[c] * normalized(xs[c], c) + beta_[c];
        continue;
      }
      for (std::size_t c = 0; c < c_count; ++c) {
        const float g = gamma_[c], b = beta_[c];
        float* xhat = xhat_row_.data();
        normalize_row(xs + c * p, p, c, xhat);
        float* yc = ys + c * p;
        for (std::size_t i = 0; i < p; ++i) yc[i] = g * xhat[i] + b;
      }
    }
    return y;
  }
  // Inference: one multiply-add per element with the running statistics folded in.
  for (std::size_t c = 0; c < c_count; ++c) {
    const double inv_std = 1.0 / std::sqrt(static_cast<double>(running_var_[c]) + config_.eps);
    scale_[c] = static_cast<float>(gamma_[c] * inv_std);
    shift_[c] = static_cast<float>(beta_[c] - running_mean_[c] * gamma_[c] * inv_std);
  }
  for (int s = 0; s < n; ++s) {
    const std::size_t first = static_cast<std::size_t>(s) * c_count * p;
    const float* xs = x.data() + first;
    float* ys = y.data() + first;
    if (p == 1) {
      for (std::size_t c = 0; c < c_count; ++c) ys[c] = xs[c] * scale_[c] + shift_[c];
      continue;
    }
    for (std::size_t c = 0; c < c_count; ++c) {
      const float a = scale_[c], b = shift_[c];
      for (std::size_t i = 0; i < p; ++i) ys[c * p + i] = xs[c * p + i] * a + b;
    }
  }
  return y;
}

const Tensor& BatchNorm::backward_with_running_statistics(const Tensor& dy) {
  const int n = dy.shape()[0];
  const std::size_t c_count = static_cast<std::size_t>(channels_), p = static_cast<std::size_t>(positions_);
  Tensor& dx = input_gradient_buffer();
  dx.resize(dy.shape());
  for (std::size_t c = 0; c < c_count; ++c) {
    // y = gamma xhat + beta with xhat = (x - running mean) / running std: dx = scale dy, with the
    // scale forward computed.
    const double inv_std = 1.0 / std::sqrt(static_cast<double>(running_var_[c]) + config_.eps);
    double sum_dy = 0, sum_dy_xhat = 0;
    for (int s = 0; s < n; ++s) {
      const std::size_t first = (static_cast<std::size_t>(s) * c_count + c) * p;
      const float* g = dy.data() + first;
      const float* xs = x_->data() + first;
      float* d = dx.data() + first;
      for (std::size_t i = 0; i < p; ++i) {
        sum_dy += g[i];
        sum_dy_xhat += static_cast<double>(g[i]) * (xs[i] - running_mean_[c]) * inv_std;
        d[i] = g[i] * scale_[c];
      }
    }
    dbeta_[c] += static_cast<float>(sum_dy);
    dgamma_[c] += static_cast<float>(sum_dy_xhat);
  }
  return dx;
}

void BatchNorm::normalize_row(const float* x, std::size_t count, std::size_t channel, float* xhat) const {
  const float mean = mean_[channel], inv_std = inv_std_[channel];
  for (std::size_t i = 0; i < count; ++i) xhat[i] = (x[i] - mean) * inv_std;
}

const Tensor& BatchNorm::backward(const Tensor& dy) {
  CNN_CHECK(backward_ready_ && x_ != nullptr, "batch_norm: backward needs a forward in training mode");
  CNN_CHECK(dy.shape() == x_->shape(), "batch_norm: gradient {} does not match output {}", dy.shape().str(),
            x_->shape().str());
  if (running_statistics_) return backward_with_running_statistics(dy);
  const int n = dy.shape()[0];
  const std::size_t c_count = static_cast<std::size_t>(channels_), p = static_cast<std::size_t>(positions_);
  const Tensor& x = *x_;
  float* xhat = xhat_row_.data();
  sums_.assign(2 * c_count, 0.0);
  double* sum_dy = sums_.data();
  double* sum_dy_xhat = sum_dy + c_count;
  if (p > 1) {
    for (int s = 0; s < n; ++s)
      for (std::size_t c = 0; c < c_count; ++c) {
        const std::size_t first = (static_cast<std::size_t>(s) * c_count + c) * p;
        normalize_row(x.data() + first, p, c, xhat);
        sum_and_dot(dy.data() + first, xhat, p, &sum_dy[c], &sum_dy_xhat[c]);
      }
  } else {
    for (int s = 0; s < n; ++s) {
      const float* g = dy.data() + static_cast<std::size_t>(s) * c_count;
      const float* xs = x.data() + static_cast<std::size_t>(s) * c_count;
      for (std::size_t c = 0; c < c_count; ++c) {
        sum_dy[c] += g[c];
        sum_dy_xhat[c] += static_cast<double>(g[c]) * normalized(xs[c], c);
      }
    }
  }
  // This replica's share of the parameter gradients (the replicas' gradients are summed later).
  for (std::size_t c = 0; c < c_count; ++c) {
    dbeta_[c] += static_cast<float>(sum_dy[c]);
    dgamma_[c] += static_cast<float>(sum_dy_xhat[c]);
  }
  Tensor& dx = input_gradient_buffer();
  dx.resize(dy.shape());
  if (!input_gradient_) return dx;  // the same on every replica, so none of them waits below
  if (reducer_ != nullptr) reducer_->sum(sums_.data(), sums_.size());
  const double m = batch_count_;
  for (std::size_t c = 0; c < c_count; ++c) {
    mean_dy_[c] = static_cast<float>(sum_dy[c] / m);
    mean_dy_xhat_[c] = static_cast<float>(sum_dy_xhat[c] / m);
    dx_factor_[c] = gamma_[c] * inv_std_[c];
  }
  for (int s = 0; s < n; ++s) {
    const std::size_t first = static_cast<std::size_t>(s) * c_count * p;
    const float* g = dy.data() + first;
    const float* xs = x.data() + first;
    float* d = dx.data() + first;
    if (p == 1) {
      for (std::size_t c = 0; c < c_count; ++c)
        d[c] = dx_factor_[c] * (g[c] - mean_dy_[c] - normalized(xs[c], c) * mean_dy_xhat_[c]);
      continue;
    }
    for (std::size_t c = 0; c < c_count; ++c) {
      const float mean_dy = mean_dy_[c], mean_dy_xhat = mean_dy_xhat_[c], factor = dx_factor_[c];
      normalize_row(xs + c * p, p, c, xhat);
      for (std::size_t i = 0; i < p; ++i) d[c * p + i] = factor * (g[c * p + i] - mean_dy - xhat[i] * mean_dy_xhat);
    }
  }
  return dx;
}

}  // namespace cnn

namespace cnn {
namespace {

// config: batch_norm, or batch_norm: {momentum: 0.1, eps: 0.00001}
// model file: {"momentum": 0.1, "eps": 1e-05}
BatchNormConfig read_batch_norm(const LayerOptions& o) {
  o.allow_only({"momentum", "eps"});
  BatchNormConfig c;
  if (o.has("momentum")) c.momentum = o.number("momentum", 0.0, 1.0);
  if (o.has("eps")) c.eps = o.number("eps", 1e-12, 1.0);
  return c;
}

nlohmann::json write_batch_norm(const BatchNormConfig& c) { return {{"momentum", c.momentum}, {"eps", c.eps}}; }

}  // namespace

const LayerKind& batch_norm_layer_kind() {
  static const LayerKind kind = layer_kind<BatchNorm>("batch_norm", read_batch_norm, write_batch_norm);
  return kind;
}

}  // namespace cnn
