// `cnn report RUN_DIR`: writes RUN_DIR/report.html and RUN_DIR/figures/*.png (report/report.hpp).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace cnn {

struct ReportOptions {
  std::string run_dir;
  std::optional<std::string> data_dir;  // test set folder; default: the run's recorded data folder
  std::optional<int> threads;
  std::string tta = "none";  // the test evaluation's test-time augmentation
  std::string cam_layer;  // Grad-CAM's layer for the mistakes (default: runtime/class_evidence.hpp's choice)
};

CLI::App* add_report_command(CLI::App& parent, ReportOptions& options);
int run_report(const ReportOptions& options);

// The report at the end of `cnn train`: a failure is a warning, never a failed training run.
void report_after_training(const std::string& run_dir, int threads);

}  // namespace cnn
