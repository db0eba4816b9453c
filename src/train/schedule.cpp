// Learning-rate schedule implementation; formulas in schedule.hpp.
#include "train/schedule.hpp"

#include <cmath>

namespace cnn {

float learning_rate(const ScheduleConfig& schedule, float lr0, int epoch, std::int64_t step, std::int64_t total_steps) {
  switch (schedule.type) {
    case ScheduleType::kConstant:
      return lr0;
    case ScheduleType::kStep:
      return lr0 * static_cast<float>(std::pow(static_cast<double>(schedule.gamma), epoch / schedule.step_epochs));
    case ScheduleType::kCosine: {
      if (total_steps <= 0) return lr0;
      const double progress = static_cast<double>(step) / static_cast<double>(total_steps);
      const double factor = 0.5 * (1.0 + std::cos(3.14159265358979323846 * progress));
      return static_cast<float>(schedule.min_lr + (lr0 - schedule.min_lr) * factor);
    }
  }
  return lr0;
}

}  // namespace cnn
