// How `cnn train --resume FILE` continues a run: the settings recorded in the checkpoint, in the
// checkpoint's own folder, and what each command-line override does to them.
//
//   applied, with a warning that the result differs from the original run:
//     --epochs (extend or shorten; refused below the epochs already done), --lr, --threads,
//     --data (a moved copy of the same data gives the same run), --batch-size at an epoch boundary
//   refused: --seed (the weights and the shuffling stream are already fixed), --validation (it
//     changes which images are trained on), --out (the run continues in its own folder),
//     --batch-size in the middle of an epoch
//   An override equal to the recorded value changes nothing and says nothing.
//
// Checkpoints written before settings were recorded (they hold only the config file's text) are
// resumed from that text, with a warning that their command-line overrides were not kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cli/train.hpp"
#include "config/config.hpp"
#include "train/checkpoint.hpp"

namespace cnn {

struct ResumePlan {
  RunConfig config;       // the settings to continue with; output = the checkpoint's folder
  bool finished = false;  // every epoch is already done: nothing to train
};

// Throws kModel for a checkpoint without training state or with unreadable settings, kUsage for
// an override that cannot apply.
// `overrides` are train's command-line options (only the override flags are read).
ResumePlan plan_resume(const LoadedModel& saved, const std::string& path, const TrainOptions& overrides);

}  // namespace cnn
