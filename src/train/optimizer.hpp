// Optimizers over a network's parameter views. With g = dL/dw + weight_decay * w (L2; a parameter
// whose Param::weight_decay is false, batch norm's gamma and beta, gets g = dL/dw):
//
//   sgd       w -= lr g
//   momentum  v = mu v + g;  w -= lr v                     (PyTorch's form)
//   nesterov  v = mu v + g;  w -= lr (g + mu v)
//   adam      t += 1; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
//             w -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
//   adamw     Adam with decoupled weight decay (Loshchilov and Hutter; PyTorch's AdamW): first
//             w *= 1 - lr weight_decay, then adam's update with g = dL/dw (no L2 term)
//
// The state (velocity or moments, and the step count) is exposed by name so that a checkpoint
// can store it and a resumed run continues bit for bit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/enum_table.hpp"
#include "layers/layer.hpp"

namespace cnn {

enum class OptimizerType { kSgd, kMomentum, kNesterov, kAdam, kAdamW };

// Whether the optimizer keeps Adam's moments (and reads beta1, beta2, eps).
constexpr bool uses_adam_moments(OptimizerType type) { return type == OptimizerType::kAdam || type == OptimizerType::kAdamW; }

struct OptimizerConfig {
  OptimizerType type = OptimizerType::kAdam;
  float lr = 0.001f;
  float momentum = 0.9f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float eps = 1e-8f;
  float weight_decay = 0.0f;
};

constexpr EnumTable<OptimizerType, 5> kOptimizerNames{{{{OptimizerType::kSgd, "sgd"},
                                                         {OptimizerType::kMomentum, "momentum"},
                                                         {OptimizerType::kNesterov, "nesterov"},
                                                         {OptimizerType::kAdam, "adam"},
                                                         {OptimizerType::kAdamW, "adamw"}}}};
inline const char* optimizer_type_name(OptimizerType type) { return kOptimizerNames.name(type); }

// The same parameters with weight decay off for every bias (names ending in ".bias"), as timm's
// and torchvision's recipes put biases in a group without decay; batch norm's are off already.
std::vector<Param> without_bias_decay(std::vector<Param> params);
// The parameters the optimizer updates: all but the frozen ones (Param::trainable false), as
// PyTorch's optimizers see only parameters with requires_grad.
std::vector<Param> trainable_params(const std::vector<Param>& params);

class Optimizer {
 public:
  Optimizer(const OptimizerConfig& config, const std::vector<Param>& params);

  // One update of every parameter from its gradient, with learning rate lr (from the schedule).
  void step(float lr);
  // The same update split over threads: begin_step() once, then update(lr, part, parts) for every
  // part (each touches only its share of every parameter's elements, so parts may run at once).
  void begin_step() { ++steps_; }
  void update(float lr, int part, int parts);

  const OptimizerConfig& config() const { return config_; }
  std::int64_t steps() const { return steps_; }
  void set_steps(std::int64_t steps) { steps_ = steps; }
  // State tensors in a fixed order, named like "adam.m/conv1.weight".
  std::vector<std::pair<std::string, Tensor*>> state();

 private:
  OptimizerConfig config_;
  std::vector<Param> params_;
  std::vector<Tensor> first_;   // velocity (momentum, nesterov) or m (adam); one per parameter
  std::vector<Tensor> second_;  // v (adam only)
  std::int64_t steps_ = 0;
};

}  // namespace cnn
