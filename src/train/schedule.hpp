// Learning-rate schedules, evaluated once per step from the base rate lr0:
//   constant   lr = lr0
//   step       lr = lr0 * gamma^floor(epoch / step_epochs)
//   cosine     lr = min_lr + (lr0 - min_lr) (1 + cos(pi * step / total_steps)) / 2
//   one_cycle  PyTorch's OneCycleLR (cosine annealing, two phases, lr0 the peak; the learning rate
//              only: momentum is not cycled, as OneCycleLR(cycle_momentum=False)):
//              up from lr0 / div_factor to lr0 over steps [0, u], u = pct_start total_steps - 1,
//              then down to lr0 / div_factor / final_div_factor at step total_steps - 1, each
//              phase as end + (start - end) (1 + cos(pi p)) / 2 with p the phase's progress
// A linear warm-up may go in front of constant, step and cosine (PyTorch's SequentialLR of
// LinearLR(start_factor, total_iters = W) and the schedule): over the first W = warmup_epochs
// epochs' steps lr = lr0 (start_factor + (1 - start_factor) step / W); from then the schedule runs
// as if the run began there (on step - W of total_steps - W, epoch - warmup_epochs).
#pragma once

#include <cstdint>
#include <string>

#include "core/enum_table.hpp"

namespace cnn {

enum class ScheduleType { kConstant, kStep, kCosine, kOneCycle };

struct ScheduleConfig {
  ScheduleType type = ScheduleType::kConstant;
  int step_epochs = 1;  // step: decay every this many epochs
  float gamma = 0.1f;   // step: decay factor
  float min_lr = 0.0f;  // cosine: final rate
  int warmup_epochs = 0;              // constant, step, cosine: linear warm-up epochs in front (0: none)
  float warmup_start_factor = 0.01f;  // the warm-up's first rate, as a fraction of lr0 (torchvision's recipe)
  float pct_start = 0.3f;             // one_cycle: the share of steps going up
  float div_factor = 25.0f;           // one_cycle: the first rate is lr0 / div_factor
  float final_div_factor = 1e4f;      // one_cycle: the last is that / final_div_factor
};

constexpr EnumTable<ScheduleType, 4> kScheduleNames{{{{ScheduleType::kConstant, "constant"},
                                                       {ScheduleType::kStep, "step"},
                                                       {ScheduleType::kCosine, "cosine"},
                                                       {ScheduleType::kOneCycle, "one_cycle"}}}};
inline const char* schedule_type_name(ScheduleType type) { return kScheduleNames.name(type); }

// Where a step lies in the run: global step `step` (0-based) of `total_steps`, in epoch `epoch`
// (0-based) of `steps_per_epoch` steps.
struct SchedulePoint {
  int epoch = 0;
  std::int64_t step = 0;
  std::int64_t total_steps = 0;
  std::int64_t steps_per_epoch = 0;
};

float learning_rate(const ScheduleConfig& schedule, float lr0, const SchedulePoint& at);

}  // namespace cnn
