// Reads a run folder's metrics.csv (written by train/trainer.cpp, one line per epoch):
//   epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,lr,seconds
// Validation fields are empty when the run holds out no images. The file is input like any
// other: a malformed line is an error naming the file and line, never a crash.
#pragma once

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

}  // namespace cnn
