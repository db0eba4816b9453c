// Checkpoints and model files at the network level: what a cnn model file holds (see
// io/model_file.hpp for the bytes, docs/model-format.md for the whole format).
//
//   header JSON: {"format": "cnn-model", "created_by": "cnn X.Y.Z", "architecture": {...},
//                 "config": "<YAML text>", "settings": {...} (the run's effective settings,
//                 io/config.hpp), "data": {...} (io/data_description.hpp: class names, channels,
//                 image preparation, normalisation), "training": {...} (checkpoints only)}
//   tensors:     every parameter by name ("conv1.weight"), every layer's state tensor
//                ("bn1.running_mean"), then optimizer state
//                ("adam.m/conv1.weight", "adam.v/...", "velocity/...") in checkpoints.
//
// Loading builds the network from the architecture and checks every tensor's presence, shape and
// finiteness before any weight is used.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/rng.hpp"
#include "io/data_description.hpp"
#include "io/model_file.hpp"
#include "net/model_spec.hpp"
#include "net/net.hpp"
#include "train/optimizer.hpp"

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
void save_checkpoint(const std::string& path, const ModelSpec& spec, const std::string& config_text, const Net& net,
                     Optimizer* optimizer, const TrainingProgress* progress,
                     const nlohmann::json& settings = nlohmann::json(), const DataDescription* data = nullptr);

struct LoadedModel {
  ModelSpec spec;
  std::string config_text;
  nlohmann::json settings;  // null in files without recorded settings
  DataDescription data;     // the header's "data"; without one, legacy_data_description (digits)
  std::unique_ptr<Net> net;
  ModelFileContents contents;
  bool has_training_state() const { return contents.header.contains("training"); }
};

LoadedModel load_model(const std::string& path);
// The same checks on bytes already in memory; `name` stands for the file in messages.
LoadedModel load_model_from_bytes(const std::string& bytes, const std::string& name);

// Restores optimizer state and progress from a checkpoint; kModel error when it has none or
// when its optimizer differs from `optimizer`'s.
TrainingProgress restore_training(const LoadedModel& model, Optimizer& optimizer, const std::string& path);
// The progress alone (kModel error when the file has no training state).
TrainingProgress read_training_progress(const LoadedModel& model, const std::string& path);

}  // namespace cnn
