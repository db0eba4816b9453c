// What a training report shows, gathered from a run folder (report.cpp) and rendered as HTML
// (html_report.cpp). Figures are rasters here so that the same pixels go inline into the page
// and to RUN_DIR/figures/*.png.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "net/net_summary.hpp"
#include "report/canvas.hpp"
#include "report/run_metrics.hpp"
#include "runtime/evaluate.hpp"

namespace cnn {

struct Figure {
  std::string id;  // file name stem under figures/, and the HTML anchor
  std::string title, caption;
  std::shared_ptr<Canvas> image;
  // The curves are drawn interactively by Chart.js in the page; their PNGs go to figures/ only.
  bool in_page = true;
};

// A test image (or validation image: ReportContent::split) the model got wrong, with what it believed.
struct Mistake {
  int index = 0;  // in the evaluated images
  int truth = 0, predicted = 0;
  float confidence = 0.0f;   // probability of the predicted class
  float truth_probability = 0.0f;
  std::shared_ptr<Canvas> image;
  // Where the network looked for the class it predicted (runtime/class_evidence.hpp), over the
  // image; null when the network has no layer Grad-CAM can read.
  std::shared_ptr<Canvas> grad_cam, saliency;
};

struct ReportContent {
  std::string run_dir, model_path, created_by;
  // Set while the run trains (report/report.hpp's kLive): the page says so and reloads itself.
  bool live = false;
  int epochs_done = 0, epochs = 0, refresh_seconds = 0;
  std::string written_at;  // "14:03:12", local time, for the live banner
  std::string config_text;
  nlohmann::json settings;  // the run's recorded settings (null for old files)
  NetSummary network;  // layers, shapes, parameters, MACs (net/net_summary.hpp, as `cnn summary`)
  int threads = 0;          // 0: unknown
  std::vector<EpochMetrics> metrics;
  std::vector<StepMetrics> steps;  // steps.csv; empty for runs of older versions
  std::vector<std::string> class_names;  // the model's (io/data_description.hpp)
  std::string data_format;               // idx, cifar10, folder

  // The test set, when one was found: where, and how the final model did on it. Without one, the
  // run's validation images (the held-out tail of its training set) stand in: split says which,
  // and every caption names it.
  std::string split = "test";  // or "validation"
  std::string test_source;   // folder or file names; empty: none
  std::string test_missing;  // why there is no test evaluation, for the reader
  std::optional<EvalResult> test;
  std::string tta = "none";       // the test evaluation's test-time augmentation
  std::vector<Mistake> mistakes;  // most confident first
  std::string cam_layer;          // the layer the mistakes' Grad-CAM read; empty: none

  std::vector<Figure> figures;  // curves, confusion matrix, filters, feature maps, augmentation
};

}  // namespace cnn
