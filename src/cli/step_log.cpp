// The per-step log. See step_log.hpp.
#include "cli/step_log.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "io/atomic_file.hpp"
#include "train/run_folder.hpp"

namespace cnn {

namespace {

constexpr const char* kHeader = "step,epoch,loss,accuracy,lr,images_per_second";
constexpr int kRowsPerEpoch = 50;

}  // namespace

StepLog::StepLog(TrainingObserver& inner, std::string run_dir) : inner_(inner), path_(steps_path(run_dir)) {}

StepLog::~StepLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void StepLog::on_start(const Net& net, int train_images, int validation_images, int first_epoch) {
  inner_.on_start(net, train_images, validation_images, first_epoch);
}

void StepLog::open(std::int64_t first_step) {
  // The rows of the steps before this run's first (a resumed run's); a fresh run keeps none.
  std::string kept = std::string(kHeader) + "\n";
  if (first_step > 1) {
    std::ifstream in(path_);
    std::string line;
    if (std::getline(in, line) && line == kHeader) {
      while (std::getline(in, line)) {
        // Whole rows only: a row cut short by a failed write is dropped with the later ones.
        char* end = nullptr;
        const long long step = std::strtoll(line.c_str(), &end, 10);
        if (end != line.c_str() && *end == ',' && step < first_step && std::count(line.begin(), line.end(), ',') == 5)
          kept += line + "\n";
      }
    }
  }
  write_file_atomically(path_, kept);
  file_ = std::fopen(path_.c_str(), "a");
  if (file_ == nullptr) throw Error(ExitCode::kIo, fmt::format("{}: cannot open: {}", path_, std::strerror(errno)));
}

void StepLog::on_step(const StepReport& r) {
  inner_.on_step(r);
  if (failed_) return;
  if (first_step_ < 0) first_step_ = r.global_step;
  loss_sum_ += r.step_loss * static_cast<double>(r.step_images);
  correct_sum_ += r.step_accuracy * static_cast<double>(r.step_images);
  images_ += r.step_images;
  const std::int64_t every = std::max<std::int64_t>(1, r.batches / kRowsPerEpoch);
  if (r.batch % every != 0 && r.batch != r.batches) return;
  try {
    if (file_ == nullptr) open(first_step_);
    const double n = static_cast<double>(std::max<std::int64_t>(images_, 1));
    const double rate = r.seconds > 0 ? static_cast<double>(r.images) / r.seconds : 0.0;
    if (std::fprintf(file_, "%lld,%d,%.6g,%.6g,%.6g,%.1f\n", static_cast<long long>(r.global_step), r.epoch, loss_sum_ / n,
                     correct_sum_ / n, static_cast<double>(r.lr), rate) < 0 ||
        std::fflush(file_) != 0)
      throw Error(ExitCode::kIo, fmt::format("{}: cannot write: {}", path_, std::strerror(errno)));
  } catch (const Error& e) {
    failed_ = true;
    spdlog::warn("the per-step log could not be written ({}); training goes on without it", e.what());
  }
  loss_sum_ = correct_sum_ = 0;
  images_ = 0;
}

void StepLog::on_epoch(const EpochReport& report) { inner_.on_epoch(report); }

void StepLog::on_early_stop(int epoch, int patience, int best_epoch, double best) {
  inner_.on_early_stop(epoch, patience, best_epoch, best);
}

}  // namespace cnn
