// `cnn report RUN_DIR`: one self-contained RUN_DIR/report.html (offline, no network address,
// Chart.js inlined, images as data URIs) and each figure as PNG under RUN_DIR/figures/.
//
// Sources: RUN_DIR/model.bin (architecture, weights, recorded settings), RUN_DIR/metrics.csv
// (per-epoch curves), RUN_DIR/best.bin (best epoch), and the test set: --data, else the data
// folder the run recorded. Without a test set the report still has the curves, the filters and
// the network, and says how to add the rest; a run that held out validation images shows those
// in its place (the confusion matrix, the per-class chart, the mistakes, the feature maps), named
// as the validation split throughout.
#pragma once

#include <optional>
#include <string>

#include "report/report_content.hpp"
#include "runtime/test_time_augmentation.hpp"

namespace cnn {

// While a run trains, its report is rewritten after every epoch (kLive: no test evaluation, no
// figures/ PNGs, the page reloads itself every `refresh_seconds`); the run's end writes the whole
// report (kFinal), which does not reload. A run stopped early (interrupted, diverged) gets kStopped:
// the curves so far, no reload, and the test set left to `cnn report`.
enum class ReportStage { kFinal, kLive, kStopped };

struct ReportRequest {
  std::string run_dir;
  ReportStage stage = ReportStage::kFinal;
  int epochs_done = 0, epochs = 0;  // kLive: the run's progress, for the page's banner
  int refresh_seconds = 5;          // kLive
  std::optional<std::string> data_dir;  // the test set's folder; default: the run's recorded data folder
  int threads = 1;
  bool write_figures = true;            // RUN_DIR/figures/*.png
  std::string cam_layer;                // Grad-CAM's layer for the mistakes by name; empty: the default
  TestTimeAugmentation tta = TestTimeAugmentation::kNone;  // for the test evaluation
};

struct ReportOutcome {
  std::string html_path;
  std::size_t html_bytes = 0;
  int figures = 0;
  bool evaluated = false;  // a test set was found and evaluated
};

ReportContent gather_report(const ReportRequest& request);
ReportOutcome write_report(const ReportRequest& request);

}  // namespace cnn
