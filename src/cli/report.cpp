// `cnn report` command line and entry point.
#include "cli/report.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "core/error.hpp"
#include "core/worker_team.hpp"
#include "report/report.hpp"
#include "train/trainer.hpp"

namespace cnn {

CLI::App* add_report_command(CLI::App& parent, ReportOptions& o) {
  CLI::App* cmd = parent.add_subcommand("report", "Write RUN_DIR/report.html: curves, confusion matrix, mistakes, filters, feature maps");
  cmd->add_option("run_dir", o.run_dir, "Run folder written by cnn train (holds model.bin and metrics.csv)")->required();
  cmd->add_option("--data", o.data_dir, "Folder of the test set (default: the data folder the run recorded)");
  cmd->add_option("--threads", o.threads, "Threads for the test evaluation (default: all cores)")->check(CLI::Range(1, 1024));
  cmd->add_option("--tta", o.tta, "Test-time augmentation of the test evaluation: flip averages the logits of each image and "
                  "its left-right mirror; flip-translate adds the pair moved a pixel up-left and down-right")
      ->check(CLI::IsMember({"none", "flip", "flip-translate"}));
  cmd->add_option("--cam-layer", o.cam_layer,
                  "The layer whose maps Grad-CAM weighs for the mistakes, by name (default: the last conv layer, after its "
                  "batch norm, activation or residual add)");
  return cmd;
}

namespace {

ReportOutcome timed_report(const ReportRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  const ReportOutcome outcome = write_report(request);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("report: {} ({:.1f} KiB, {} figures, {:.2f} s){}", outcome.html_path, outcome.html_bytes / 1024.0, outcome.figures,
               seconds, outcome.evaluated ? "" : "; no test set was evaluated");
  return outcome;
}

}  // namespace

int run_report(const ReportOptions& o) {
  ReportRequest request;
  request.run_dir = o.run_dir;
  request.data_dir = o.data_dir;
  request.cam_layer = o.cam_layer;
  request.tta = parse_tta(o.tta);
  request.threads = o.threads ? *o.threads : default_thread_count();
  const ReportOutcome outcome = timed_report(request);
  fmt::print("report: {}\n", outcome.html_path);
  return 0;
}

void report_after_training(const std::string& run_dir, int threads) {
  ReportRequest request;
  request.run_dir = run_dir;
  request.threads = threads;
  try {
    const ReportOutcome outcome = timed_report(request);
    fmt::print("report: {}\n", outcome.html_path);
  } catch (const Error& e) {
    spdlog::warn("the training report could not be written ({}); `cnn report {}` retries", e.what(), run_dir);
  }
}

}  // namespace cnn
