// Learning-rate schedules, evaluated once per step from the base rate lr0:
//   constant  lr = lr0
//   step      lr = lr0 * gamma^floor(epoch / step_epochs)
//   cosine    lr = min_lr + (lr0 - min_lr) (1 + cos(pi * step / total_steps)) / 2
#pragma once

#include <cstdint>
#include <string>

#include "core/enum_table.hpp"

namespace cnn {

enum class ScheduleType { kConstant, kStep, kCosine };

struct ScheduleConfig {
  ScheduleType type = ScheduleType::kConstant;
  int step_epochs = 1;  // step: decay every this many epochs
  float gamma = 0.1f;   // step: decay factor
  float min_lr = 0.0f;  // cosine: final rate
};

constexpr EnumTable<ScheduleType, 3> kScheduleNames{{{{ScheduleType::kConstant, "constant"},
                                                       {ScheduleType::kStep, "step"},
                                                       {ScheduleType::kCosine, "cosine"}}}};
inline const char* schedule_type_name(ScheduleType type) { return kScheduleNames.name(type); }

// Rate for global step `step` (0-based) of `total_steps`, which lies in epoch `epoch` (0-based).
float learning_rate(const ScheduleConfig& schedule, float lr0, int epoch, std::int64_t step, std::int64_t total_steps);

}  // namespace cnn
