// The training report while a run trains: after every epoch (its checkpoint and metrics line
// written), report.html is rewritten with the curves so far and reloads itself in the browser
// (report/report.hpp's ReportStage::kLive); a run that stops early gets a report that no longer
// reloads (kStopped). The console's progress goes on as before: this observer passes every event
// on to it. What a rewrite costs is logged at debug level and summed for the end of the run.
#pragma once

#include <string>

#include "train/trainer.hpp"

namespace cnn {

class LiveReport : public TrainingObserver {
 public:
  LiveReport(TrainingObserver& inner, std::string run_dir, int epochs);
  void on_start(const Net& net, int train_images, int validation_images, int first_epoch) override;
  void on_step(const StepReport& report) override;
  void on_epoch(const EpochReport& report) override;
  void on_early_stop(int epoch, int patience, int best_epoch, double best) override;

  // The report of a run that ended before its last epoch: no reload, no test set.
  void write_stopped() const;
  double seconds_spent() const { return seconds_; }
  int pages_written() const { return pages_; }

 private:
  TrainingObserver& inner_;
  std::string run_dir_;
  int epochs_ = 0, epochs_done_ = 0, pages_ = 0;
  double seconds_ = 0.0;
  bool failed_ = false;  // warned once; the run goes on without live pages
};

}  // namespace cnn
