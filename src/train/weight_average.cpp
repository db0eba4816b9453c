// The weights' moving average; see weight_average.hpp.
#include "train/weight_average.hpp"

#include <algorithm>
#include <cmath>

#include "core/worker_team.hpp"

namespace cnn {

WeightAverage::WeightAverage(const AverageConfig& config, const Net& net) : config_(config) {
  for (const Param& p : net.params()) live_.push_back(p.value);
  for (const Param& s : net.state()) live_.push_back(s.value);
  for (const Tensor* t : live_) average_.push_back(*t);
}

float WeightAverage::decay_now() const {
  if (config_.tau > 0.0f)
    return static_cast<float>(static_cast<double>(config_.decay) *
                              (1.0 - std::exp(-static_cast<double>(updates_) / static_cast<double>(config_.tau))));
  return updates_ <= 1 ? 0.0f : config_.decay;  // AveragedModel's first update is a copy
}

void WeightAverage::update(int part, int parts) {
  const float d = decay_now();
  const float keep_new = static_cast<float>(1.0 - static_cast<double>(d));
  for (std::size_t i = 0; i < live_.size(); ++i) {
    const auto [first, last] = slice_of(static_cast<int>(live_[i]->size()), parts, part);
    float* a = average_[i].data();
    const float* x = live_[i]->data();
    for (int j = first; j < last; ++j) a[j] = d * a[j] + keep_new * x[j];
  }
}

void WeightAverage::exchange_with_net() {
  for (std::size_t i = 0; i < live_.size(); ++i)
    std::swap_ranges(average_[i].data(), average_[i].data() + average_[i].size(), live_[i]->data());
}

}  // namespace cnn
