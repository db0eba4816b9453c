// Optimizer implementation; update rules in optimizer.hpp.
#include "train/optimizer.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/worker_team.hpp"

namespace cnn {

Optimizer::Optimizer(const OptimizerConfig& config, const std::vector<Param>& params)
    : config_(config), params_(params) {
  if (config.type != OptimizerType::kSgd)
    for (const Param& p : params) first_.emplace_back(p.value->shape());
  if (uses_adam_moments(config.type))
    for (const Param& p : params) second_.emplace_back(p.value->shape());
}

std::vector<Param> without_bias_decay(std::vector<Param> params) {
  const std::string suffix = ".bias";
  for (Param& p : params)
    if (p.name.size() >= suffix.size() && p.name.compare(p.name.size() - suffix.size(), suffix.size(), suffix) == 0)
      p.weight_decay = false;
  return params;
}

std::vector<Param> trainable_params(const std::vector<Param>& params) {
  std::vector<Param> out;
  for (const Param& p : params)
    if (p.trainable) out.push_back(p);
  return out;
}

void Optimizer::step(float lr) {
  begin_step();
  update(lr, 0, 1);
}

void Optimizer::update(float lr, int part, int parts) {
  const float decay = config_.weight_decay;
  const float mu = config_.momentum;
  const float b1 = config_.beta1, b2 = config_.beta2;
  // Bias corrections in double: b^t underflows gracefully and 1 - b^t keeps its precision.
  const double t = static_cast<double>(steps_);
  const float correction1 = static_cast<float>(1.0 - std::pow(static_cast<double>(b1), t));
  const float correction2 = static_cast<float>(1.0 - std::pow(static_cast<double>(b2), t));
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const auto [first, last] = slice_of(static_cast<int>(params_[i].value->size()), parts, part);
    float* w = params_[i].value->data() + first;
    const float* dw = params_[i].grad->data() + first;
    const std::size_t n = static_cast<std::size_t>(last - first);
    const float wd = params_[i].weight_decay ? decay : 0.0f;  // not batch norm's gamma and beta
    switch (config_.type) {
      case OptimizerType::kSgd:
        for (std::size_t j = 0; j < n; ++j) w[j] -= lr * (dw[j] + wd * w[j]);
        break;
      case OptimizerType::kMomentum: {
        float* v = first_[i].data() + first;
        for (std::size_t j = 0; j < n; ++j) {
          v[j] = mu * v[j] + (dw[j] + wd * w[j]);
          w[j] -= lr * v[j];
        }
        break;
      }
      case OptimizerType::kNesterov: {
        float* v = first_[i].data() + first;
        for (std::size_t j = 0; j < n; ++j) {
          const float g = dw[j] + wd * w[j];
          v[j] = mu * v[j] + g;
          w[j] -= lr * (g + mu * v[j]);
        }
        break;
      }
      case OptimizerType::kAdam:
      case OptimizerType::kAdamW: {
        float* m = first_[i].data() + first;
        float* v = second_[i].data() + first;
        const float step = lr / correction1, inv_correction2 = 1.0f / correction2;
        const bool decoupled = config_.type == OptimizerType::kAdamW;
        const float l2 = decoupled ? 0.0f : wd, shrink = decoupled ? 1.0f - lr * wd : 1.0f;
        for (std::size_t j = 0; j < n; ++j) {
          if (decoupled) w[j] *= shrink;
          const float g = dw[j] + l2 * w[j];
          m[j] = b1 * m[j] + (1.0f - b1) * g;
          v[j] = b2 * v[j] + (1.0f - b2) * g * g;
          w[j] -= step * m[j] / (std::sqrt(v[j] * inv_correction2) + config_.eps);
        }
        break;
      }
    }
  }
}

std::vector<std::pair<std::string, Tensor*>> Optimizer::state() {
  std::vector<std::pair<std::string, Tensor*>> out;
  // AdamW's moments are Adam's: a checkpoint names them the same.
  const std::string first_name = uses_adam_moments(config_.type) ? "adam.m/" : "velocity/";
  for (std::size_t i = 0; i < first_.size(); ++i) out.emplace_back(first_name + params_[i].name, &first_[i]);
  for (std::size_t i = 0; i < second_.size(); ++i) out.emplace_back("adam.v/" + params_[i].name, &second_[i]);
  return out;
}

}  // namespace cnn
