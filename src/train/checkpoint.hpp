// Checkpoints: a model file with the training state that resumes a run exactly (the optimizer's
// tensors and step count, where the run stands, the shuffling RNG). Reading any model file into a
// network is runtime/model_loader.hpp's; the whole format is docs/model-format.md.
#pragma once

#include <string>

#include "core/rng.hpp"
#include "io/data_description.hpp"
#include "net/model_spec.hpp"
#include "net/net.hpp"
#include "runtime/model_loader.hpp"
#include "train/optimizer.hpp"
#include "train/weight_average.hpp"

namespace cnn {

// Where a training run stands; enough, with the optimizer state, to continue it exactly.
struct TrainingProgress {
  int epoch = 0;                  // the epoch in progress (0-based); at an epoch boundary, epochs done
  std::int64_t batch = 0;         // batches done within `epoch`
  std::int64_t global_step = 0;   // optimizer steps done in the whole run
  Rng::State epoch_rng{};         // the shuffling RNG at the start of `epoch`
  double loss_sum = 0.0;          // running training loss (sum over images) within `epoch`
  std::int64_t correct = 0;       // running correct count within `epoch`
  std::int64_t seen = 0;          // images seen within `epoch`
  double best_validation = -1.0;  // best validation accuracy so far (-1: none yet)
  int best_epoch = 0;
};

// `settings` (null: none) is the run's effective settings; files written before they existed
// have none. `data` (null: none, which loads as MNIST-style digits) describes the model's data.
// With `average` (train.ema) the file's weights are the average's; a checkpoint (optimizer and
// progress given) keeps the network's own beside them, named "live/<name>", to resume from.
void save_checkpoint(const std::string& path, const ModelSpec& spec, const std::string& config_text, const Net& net,
                     Optimizer* optimizer, const TrainingProgress* progress,
                     const nlohmann::json& settings = nlohmann::json(), const DataDescription* data = nullptr,
                     const WeightAverage* average = nullptr);

// Restores optimizer state and progress from a checkpoint; kModel error when it has none or
// when its optimizer differs from `optimizer`'s.
TrainingProgress restore_training(const LoadedModel& model, Optimizer& optimizer, const std::string& path);
// Resuming with a weight average: `net` holds the file's weights, which are the average when the
// checkpoint kept one. Then the average takes them (with its update count) and `net` the
// optimizer's own ("live/" tensors); a file without one leaves both as they are. Returns
// whether the file had an average. (A resume keeps the recorded settings, train.ema with them.)
bool restore_average(const LoadedModel& model, Net& net, WeightAverage* average, const std::string& path);
// The progress alone (kModel error when the file has no training state).
TrainingProgress read_training_progress(const LoadedModel& model, const std::string& path);

}  // namespace cnn
