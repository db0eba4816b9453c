// Learning-rate schedule implementation; formulas in schedule.hpp.
#include "train/schedule.hpp"

#include <algorithm>
#include <cmath>

namespace cnn {
namespace {

constexpr double kPi = 3.14159265358979323846;

// PyTorch's _annealing_cos: from `start` at progress 0 to `end` at 1.
double annealing_cos(double start, double end, double progress) {
  return end + (start - end) / 2.0 * (std::cos(kPi * progress) + 1.0);
}

double one_cycle(const ScheduleConfig& s, double lr0, std::int64_t step, std::int64_t total_steps) {
  const double initial = lr0 / s.div_factor, final_lr = initial / s.final_div_factor;
  const double up_end = static_cast<double>(s.pct_start) * static_cast<double>(total_steps) - 1.0;
  const double down_end = static_cast<double>(total_steps) - 1.0;
  const double t = static_cast<double>(step);
  if (t <= up_end) return annealing_cos(initial, lr0, up_end > 0.0 ? t / up_end : 1.0);
  return annealing_cos(lr0, final_lr, down_end > up_end ? std::min((t - up_end) / (down_end - up_end), 1.0) : 1.0);
}

// The schedule itself, without a warm-up (constant, step and cosine in the float arithmetic they
// always had, so that runs keep their numbers bit for bit).
float main_schedule(const ScheduleConfig& s, float lr0, int epoch, std::int64_t step, std::int64_t total_steps) {
  switch (s.type) {
    case ScheduleType::kConstant:
      return lr0;
    case ScheduleType::kStep:
      return lr0 * static_cast<float>(std::pow(static_cast<double>(s.gamma), epoch / s.step_epochs));
    case ScheduleType::kCosine: {
      if (total_steps <= 0) return lr0;
      const double progress = static_cast<double>(step) / static_cast<double>(total_steps);
      const double factor = 0.5 * (1.0 + std::cos(kPi * progress));
      return static_cast<float>(s.min_lr + (lr0 - s.min_lr) * factor);
    }
    case ScheduleType::kOneCycle:
      return static_cast<float>(one_cycle(s, lr0, step, total_steps));
  }
  return lr0;
}

}  // namespace

float learning_rate(const ScheduleConfig& schedule, float lr0, const SchedulePoint& at) {
  const std::int64_t warmup = std::min(static_cast<std::int64_t>(schedule.warmup_epochs) * at.steps_per_epoch, at.total_steps);
  if (schedule.type != ScheduleType::kOneCycle && warmup > 0) {
    if (at.step < warmup) {
      const double f = schedule.warmup_start_factor;
      return static_cast<float>(lr0 * (f + (1.0 - f) * static_cast<double>(at.step) / static_cast<double>(warmup)));
    }
    return main_schedule(schedule, lr0, at.epoch - schedule.warmup_epochs, at.step - warmup, at.total_steps - warmup);
  }
  return main_schedule(schedule, lr0, at.epoch, at.step, at.total_steps);
}

}  // namespace cnn
