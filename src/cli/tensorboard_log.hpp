// `cnn train --tensorboard` (or `train.tensorboard: true`): TensorBoard event files in the run
// folder (io/tfevents.hpp), beside metrics.csv. This observer passes every event on to the next
// one (the console, the live report) and writes:
//   config                       the run's config text (TensorBoard's Text tab), at step 0
//   step/loss, step/accuracy     the epoch's running means, about 50 times an epoch and at its
//                                last step, by optimizer step (TensorBoard smooths them)
//   step/learning_rate           the rate of that step (warm-up and one-cycle show here)
//   step/images_per_second       the epoch's rate so far
//   epoch/train_loss, epoch/train_accuracy, epoch/validation_loss, epoch/validation_accuracy,
//   epoch/learning_rate, epoch/seconds    metrics.csv's row, by epoch
//   images/confusion_matrix      the validation images' confusion matrix, by epoch (as the report
//                                draws it: rows true, columns predicted)
//   images/filters               the first conv layer's filters, by epoch (epoch 0: as initialised)
// Accuracies are fractions, as in metrics.csv.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "io/tfevents.hpp"
#include "train/trainer.hpp"

namespace cnn {

class TensorBoardLog : public TrainingObserver {
 public:
  // kIo when the event file cannot be created.
  // `class_names` label the confusion matrix (empty: the class numbers). A `resumed` run writes no
  // filters at epoch 0 (its weights are no longer the initial ones).
  TensorBoardLog(TrainingObserver& inner, const std::string& run_dir, const std::string& config_text,
                 std::vector<std::string> class_names, bool resumed);
  void on_start(const Net& net, int train_images, int validation_images, int first_epoch) override;
  void on_step(const StepReport& report) override;
  void on_epoch(const EpochReport& report) override;
  void on_early_stop(int epoch, int patience, int best_epoch, double best) override;
  const std::string& path() const { return events_.path(); }

 private:
  void write_filters(std::int64_t epoch);

  TrainingObserver& inner_;
  EventFileWriter events_;
  std::string config_text_;
  std::vector<std::string> class_names_;
  bool resumed_ = false;
  const Net* net_ = nullptr;  // from on_start: the network being trained
};

}  // namespace cnn
