// Training progress on stderr: a live bar with rate and ETA when stderr is a terminal, plain
// lines at every tenth of an epoch otherwise (logs, CI). Epoch summaries go through spdlog; on a
// terminal each ends in a sparkline of the validation accuracy so far (cli/sparkline.hpp).
#pragma once

#include <chrono>
#include <vector>

#include "train/data_source.hpp"
#include "train/trainer.hpp"

namespace cnn {

class ConsoleProgress : public TrainingObserver {
 public:
  ConsoleProgress();
  void on_start(const Net& net, int train_images, int validation_images, int first_epoch) override;
  void on_step(const StepReport& report) override;
  void on_epoch(const EpochReport& report) override;
  void on_early_stop(int epoch, int patience, int best_epoch, double best) override;

 private:
  bool terminal_;
  std::chrono::steady_clock::time_point last_draw_{};
  std::int64_t next_line_batch_ = 0;
  bool bar_visible_ = false;
  std::vector<double> validation_accuracies_;  // this run's, for the terminal's sparkline
};

// Runs `load` with `threads` decoding threads and, for image folders, a progress line on a terminal
// (a bar of files decoded) or a log line at the end otherwise; logs what was skipped or ignored.
Dataset load_data_logged(const std::function<LoadedData(const DataLoadOptions&)>& load, int threads);

}  // namespace cnn
