// Console progress implementation.
#include "cli/progress.hpp"

#include "cli/sparkline.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>

namespace cnn {
namespace {

std::string format_duration(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

ConsoleProgress::ConsoleProgress() : terminal_(::isatty(STDERR_FILENO) == 1) {}

void ConsoleProgress::on_start(const Net& net, int train_images, int validation_images, int first_epoch) {
  std::istringstream lines(net.summary());
  for (std::string line; std::getline(lines, line);) spdlog::info("{}", line);
  spdlog::info("training on {} images, validating on {}{}", train_images, validation_images,
               first_epoch > 0 ? fmt::format(", resuming in epoch {}", first_epoch + 1) : "");
}

void ConsoleProgress::on_step(const StepReport& r) {
  const double rate = r.seconds > 0 ? static_cast<double>(r.images) / r.seconds : 0.0;
  const double fraction = static_cast<double>(r.batch) / static_cast<double>(r.batches);
  const double eta = rate > 0 && r.batch > 0 ? r.seconds / static_cast<double>(r.images) *
                                                   static_cast<double>(r.images) * (1.0 - fraction) / std::max(fraction, 1e-9)
                                             : 0.0;
  if (terminal_) {
    const auto now = std::chrono::steady_clock::now();
    if (r.batch != r.batches && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '=');
    if (filled < kWidth) bar += '>';
    bar.resize(kWidth, ' ');
    std::fprintf(stderr, "\r\x1b[Kepoch %d/%d [%s] %lld/%lld loss %.4f acc %.2f%% %.0f img/s ETA %s", r.epoch, r.epochs,
                 bar.c_str(), static_cast<long long>(r.batch), static_cast<long long>(r.batches), r.loss, 100.0 * r.accuracy,
                 rate, format_duration(eta).c_str());
    std::fflush(stderr);
    bar_visible_ = true;
    return;
  }
  // A line at every tenth of the epoch, but no more than one a second (tiny data sets).
  const auto now = std::chrono::steady_clock::now();
  if (r.batch == 1) next_line_batch_ = std::max<std::int64_t>(1, r.batches / 10);
  if (r.batch < next_line_batch_ || r.batch == r.batches) return;
  next_line_batch_ += std::max<std::int64_t>(1, r.batches / 10);
  if (now - last_draw_ < std::chrono::seconds(1)) return;
  last_draw_ = now;
  spdlog::info("epoch {}/{}: {:3.0f}% ({}/{}) loss {:.4f} acc {:.2f}% {:.0f} img/s ETA {}", r.epoch, r.epochs, 100.0 * fraction,
               r.batch, r.batches, r.loss, 100.0 * r.accuracy, rate, format_duration(eta));
}

void ConsoleProgress::on_early_stop(int epoch, int patience, int best_epoch, double best) {
  spdlog::info("early stopping after epoch {}: {} epochs without a better validation accuracy than {:.2f}% (epoch {}; best.bin)",
               epoch, patience, 100.0 * best, best_epoch);
}

void ConsoleProgress::on_epoch(const EpochReport& r) {
  if (bar_visible_) {
    std::fprintf(stderr, "\r\x1b[K");
    bar_visible_ = false;
  }
  if (r.validation_accuracy) {
    validation_accuracies_.push_back(*r.validation_accuracy);
    // On a terminal the line ends in the validation accuracy so far as a sparkline; logs stay plain.
    const std::string trend = terminal_ ? "  val acc " + sparkline(validation_accuracies_) : "";
    spdlog::info("epoch {}/{}: loss {:.4f} train acc {:.2f}% val loss {:.4f} val acc {:.2f}%{} lr {:.3g} ({:.1f} s){}", r.epoch,
                 r.epochs, r.train_loss, 100.0 * r.train_accuracy, *r.validation_loss, 100.0 * *r.validation_accuracy,
                 r.best ? " (best)" : "", r.lr, r.seconds, trend);
  } else {
    spdlog::info("epoch {}/{}: loss {:.4f} train acc {:.2f}% lr {:.3g} ({:.1f} s)", r.epoch, r.epochs, r.train_loss,
                 100.0 * r.train_accuracy, r.lr, r.seconds);
  }
}

Dataset load_data_logged(const std::function<LoadedData(const DataLoadOptions&)>& load, int threads) {
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  const auto start = std::chrono::steady_clock::now();
  bool drawn = false;
  DataLoadOptions options;
  options.threads = threads > 0 ? threads : 1;
  options.progress = [&](int done, int total) {
    if (!terminal) return;
    std::fprintf(stderr, "\r\x1b[Kdecoding images %d/%d (%.0f%%)", done, total, total > 0 ? 100.0 * done / total : 100.0);
    std::fflush(stderr);
    drawn = true;
  };
  LoadedData loaded = load(options);
  if (drawn) std::fprintf(stderr, "\r\x1b[K");
  const Dataset& d = loaded.data;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("{} images of {}x{}x{}, {} classes, loaded in {:.1f} s", d.size(), d.images.channels, d.images.height,
               d.images.width, d.classes, seconds);
  if (loaded.ignored > 0) spdlog::info("ignored {} files that are not images (.png, .jpg, .jpeg, .bmp)", loaded.ignored);
  if (!loaded.skipped.empty()) {
    spdlog::warn("skipped {} images that could not be decoded (data.skip_bad_images), the first: {}", loaded.skipped.size(),
                 loaded.skipped.front());
  }
  return std::move(loaded.data);
}

}  // namespace cnn
