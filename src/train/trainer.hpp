// The training loop: shuffled mini-batches from the seed, validation on a held-out tail of the
// training set, checkpoints into the run folder after every epoch, exact resume.
//
// Run folder: model.bin (the latest checkpoint, with everything needed to resume), best.bin (the
// best validation accuracy so far), metrics.csv (one line per epoch).
// Reproducibility: weights are initialised from Rng(seed); batches are shuffled by a second
// stream whose state at the start of each epoch is stored in checkpoints, so a resumed run
// replays the exact same batches. With one thread two runs are bit-identical. Training images are
// augmented (train/augment.hpp) when the config asks, on the worker threads, each from a seed of its
// own (run seed, epoch, position in the epoch), so augmentation keeps both properties.
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "core/communicator.hpp"
#include "train/run_config.hpp"
#include "io/idx.hpp"
#include "net/net.hpp"
#include "train/checkpoint.hpp"
#include "train/run_folder.hpp"

namespace cnn {

struct StepReport {
  int epoch = 0, epochs = 0;  // epoch is 1-based here
  std::int64_t batch = 0, batches = 0;
  double loss = 0.0, accuracy = 0.0;  // running means within the epoch
  std::int64_t images = 0;            // images processed in this epoch by this process
  double seconds = 0.0;               // wall time of this epoch so far in this process
  std::int64_t global_step = 0;       // optimizer steps done in the whole run, this one included
  float lr = 0.0f;                    // the learning rate this step used
  double step_loss = 0.0, step_accuracy = 0.0;  // this step's batch alone
  std::int64_t step_images = 0;                 // in this step's batch (all processes)
};

struct EpochReport {
  int epoch = 0, epochs = 0;  // 1-based
  double train_loss = 0.0, train_accuracy = 0.0;
  std::optional<double> validation_loss, validation_accuracy;
  std::vector<std::vector<std::int64_t>> validation_confusion;  // [true][predicted]; empty without validation
  double seconds = 0.0;
  float lr = 0.0f;
  bool best = false;
};

class TrainingObserver {
 public:
  virtual ~TrainingObserver() = default;
  virtual void on_start(const Net& /*net*/, int /*train_images*/, int /*validation_images*/, int /*first_epoch*/) {}
  virtual void on_step(const StepReport& /*report*/) {}
  virtual void on_epoch(const EpochReport& /*report*/) {}
  // Training ends before its last epoch: `epoch` (1-based) epochs done, `patience` of them since
  // the best validation accuracy `best` at `best_epoch`.
  virtual void on_early_stop(int /*epoch*/, int /*patience*/, int /*best_epoch*/, double /*best*/) {}
};

struct TrainRequest {
  RunConfig config;                  // after command-line overrides; `output` is the claimed run folder
  nlohmann::json settings;           // what checkpoints record (config/config.hpp settings_to_json)
  const LoadedModel* resume = nullptr;  // continue exactly from this checkpoint
  std::string resume_path;              // its path, for messages
  const LoadedModel* init = nullptr;    // start from these weights with a fresh optimizer
  std::string init_path;
  // The processes of a distributed run (docs/distributed.md); null: this process alone. Every
  // rank passes the same request; rank 0's state is broadcast at the start, and only rank 0
  // writes the run folder.
  Communicator* comm = nullptr;
};

// Trains until config.train.epochs are done. When `stop` becomes true it finishes the current
// step, writes model.bin and throws Error(kInterrupted); a NaN or infinite loss throws
// Error(kDiverged) without touching the checkpoints. With several ranks, the ranks agree on the
// stop at every step (any rank's `stop` stops all of them after the same step).
void run_training(const TrainRequest& request, const Dataset& data, TrainingObserver& observer,
                  const std::atomic<bool>& stop);

}  // namespace cnn
