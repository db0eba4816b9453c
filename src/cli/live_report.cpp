#include "cli/live_report.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "report/report.hpp"

namespace cnn {

LiveReport::LiveReport(TrainingObserver& inner, std::string run_dir, int epochs)
    : inner_(inner), run_dir_(std::move(run_dir)), epochs_(epochs) {}

void LiveReport::on_start(const Net& net, int train_images, int validation_images, int first_epoch) {
  epochs_done_ = first_epoch;
  // A run killed while writing its page leaves the temporary behind; the page itself is whole.
  remove_stale_temporaries(run_dir_ + "/report.html");
  inner_.on_start(net, train_images, validation_images, first_epoch);
}

void LiveReport::on_step(const StepReport& report) { inner_.on_step(report); }

void LiveReport::on_early_stop(int epoch, int patience, int best_epoch, double best) {
  inner_.on_early_stop(epoch, patience, best_epoch, best);
}

void LiveReport::on_epoch(const EpochReport& report) {
  inner_.on_epoch(report);
  epochs_done_ = report.epoch;
  if (failed_) return;
  ReportRequest request;
  request.run_dir = run_dir_;
  request.stage = ReportStage::kLive;
  request.epochs_done = report.epoch;
  request.epochs = report.epochs;
  // Reload about twice an epoch, between 2 s and 30 s.
  request.refresh_seconds = static_cast<int>(std::clamp(std::round(report.seconds / 2.0), 2.0, 30.0));
  const auto start = std::chrono::steady_clock::now();
  try {
    write_report(request);
  } catch (const Error& e) {
    failed_ = true;
    spdlog::warn("the live report could not be written ({}); training goes on, the report follows at the end", e.what());
    return;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  seconds_ += seconds;
  ++pages_;
  spdlog::debug("live report after epoch {}: {:.3f} s", report.epoch, seconds);
}

void LiveReport::write_stopped() const {
  ReportRequest request;
  request.run_dir = run_dir_;
  request.stage = ReportStage::kStopped;
  try {
    write_report(request);
  } catch (const Error& e) {
    spdlog::warn("the report of the stopped run could not be written ({}); `cnn report {}` retries", e.what(), run_dir_);
  }
}

}  // namespace cnn
