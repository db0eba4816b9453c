// Reads a run folder's metrics.csv (written by train/trainer.cpp, one line per epoch):
//   epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,lr,seconds
// Validation fields are empty when the run holds out no images. And its steps.csv (written by
// cli/step_log.cpp, about 50 lines per epoch):
//   step,epoch,loss,accuracy,lr,images_per_second
// Both files are input like any other: a malformed line is an error naming the file and line,
// never a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cnn {

struct EpochMetrics {
  int epoch = 0;  // 1-based
  double train_loss = 0.0, train_accuracy = 0.0;
  std::optional<double> validation_loss, validation_accuracy;
  double lr = 0.0, seconds = 0.0;
};

// A resumed run appends to the file; an epoch that appears twice (a run resumed from an earlier
// checkpoint) keeps its last line, so the curves show the run as it ended.
std::vector<EpochMetrics> read_run_metrics(const std::string& path);
std::vector<EpochMetrics> parse_run_metrics(const std::string& text, const std::string& name);

struct StepMetrics {
  std::int64_t step = 0;  // the optimizer step of the whole run, 1-based
  int epoch = 0;
  double loss = 0.0, accuracy = 0.0;  // means over the batches since the row before
  double lr = 0.0, images_per_second = 0.0;
};

// In step order; a step that appears twice keeps its last line.
std::vector<StepMetrics> read_run_steps(const std::string& path);
std::vector<StepMetrics> parse_run_steps(const std::string& text, const std::string& name);

// TensorBoard's smoothing of a curve: an exponential moving average of weight `weight` (its
// slider, 0.6 by default), debiased so that the first points are not pulled toward zero.
constexpr double kTensorBoardSmoothing = 0.6;
std::vector<double> smoothed(const std::vector<double>& values, double weight = kTensorBoardSmoothing);

}  // namespace cnn
