// RUN_DIR/steps.csv: the per-step curves of a run, for the report (warm-up and one-cycle
// schedules, a loss spike, a slow stretch: all invisible per epoch). An observer that passes
// every event on to the next one and writes a row about 50 times an epoch and at its last step:
//
//   step,epoch,loss,accuracy,lr,images_per_second
//
// step is the optimizer step of the whole run (1-based); loss and accuracy are the means over the
// batches since the row before (every batch counts once, so the rows together are the epoch);
// lr the rate the step used; images_per_second the epoch's rate so far. A resumed run keeps the
// rows before its first step and goes on after them. Rows are flushed as they are written, so a
// live page or a killed run sees them. Written by rank 0.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "train/trainer.hpp"

namespace cnn {

class StepLog : public TrainingObserver {
 public:
  StepLog(TrainingObserver& inner, std::string run_dir);
  ~StepLog() override;
  StepLog(const StepLog&) = delete;
  StepLog& operator=(const StepLog&) = delete;

  void on_start(const Net& net, int train_images, int validation_images, int first_epoch) override;
  void on_step(const StepReport& report) override;
  void on_epoch(const EpochReport& report) override;
  void on_early_stop(int epoch, int patience, int best_epoch, double best) override;

 private:
  // Opens steps.csv at the run's first step: rows of earlier steps kept, later ones dropped.
  void open(std::int64_t first_step);

  TrainingObserver& inner_;
  std::string path_;
  std::FILE* file_ = nullptr;
  bool failed_ = false;  // warned once; training goes on without the file
  double loss_sum_ = 0, correct_sum_ = 0;  // since the last row, weighted by images
  std::int64_t images_ = 0;
  std::int64_t first_step_ = -1;  // this process's first step
};

}  // namespace cnn
