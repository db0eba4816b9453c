// An exponential moving average of the weights and of the layers' state (batch norm's running
// statistics), updated after every optimizer step. The average, not the weights the optimizer
// moves, is what validation measures and what model.bin and best.bin hold (docs/model-format.md:
// a checkpoint keeps the optimizer's weights beside it as "live/<name>" tensors to resume from).
//
// PyTorch's semantics: torch.optim.swa_utils.AveragedModel(model, use_buffers=True) with
// avg_fn(a, x) = decay a + (1 - decay) x: the first update copies the weights, every later one
// blends. With `tau` > 0 the decay ramps up as in Ultralytics' and timm's ModelEMA, decay (1 -
// exp(-t / tau)) at update t (1-based), so that the early average is not held at the random
// start; its first update blends too (t = 1 gives nearly a copy).
//
// The update is elementwise: split over threads by element ranges (slice_of) it gives the same
// numbers for any thread count.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.hpp"
#include "net/net.hpp"

namespace cnn {

struct AverageConfig {
  float decay = 0.0f;  // 0: off
  float tau = 0.0f;    // 0: a constant decay (AveragedModel); > 0: the ramp
  bool enabled() const { return decay > 0.0f; }
};

class WeightAverage {
 public:
  // The average starts as a copy of `net`'s weights and state; `net` must outlive it.
  WeightAverage(const AverageConfig& config, const Net& net);

  // After an optimizer step: begin_update() once, then update(part, parts) for every part (each
  // blends its share of every tensor's elements, so parts may run at once).
  void begin_update() { ++updates_; }
  void update(int part, int parts);
  // The blend factor of the current update (the weight of the old average).
  float decay_now() const;

  std::int64_t updates() const { return updates_; }
  void set_updates(std::int64_t updates) { updates_ = updates; }
  const AverageConfig& config() const { return config_; }

  // The average's tensors in the order of net.params() then net.state(), and their names.
  const std::vector<Tensor>& tensors() const { return average_; }
  std::vector<Tensor>& tensors() { return average_; }
  // Exchanges the average with the network's weights and state, element for element (the
  // network's tensors stay where they are); twice restores both.
  void exchange_with_net();

 private:
  AverageConfig config_;
  std::vector<Tensor*> live_;  // the network's params then state
  std::vector<Tensor> average_;
  std::int64_t updates_ = 0;
};

// While alive, `net` holds the average (and the average the optimizer's weights); put back on
// destruction, also when an exception passes.
class AverageInNet {
 public:
  explicit AverageInNet(WeightAverage* average) : average_(average) {
    if (average_) average_->exchange_with_net();
  }
  ~AverageInNet() {
    if (average_) average_->exchange_with_net();
  }
  AverageInNet(const AverageInNet&) = delete;
  AverageInNet& operator=(const AverageInNet&) = delete;

 private:
  WeightAverage* average_;
};

}  // namespace cnn
