// Gathers a run folder into a ReportContent and writes report.html and figures/. See report.hpp.
#include "report/report.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <numeric>

#include "config/config.hpp"
#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "net/replica_set.hpp"
#include "report/charts.hpp"
#include "report/evidence_views.hpp"
#include "report/html_report.hpp"
#include "report/network_views.hpp"
#include "runtime/class_evidence.hpp"
#include "runtime/network_input.hpp"
#include "train/checkpoint.hpp"
#include "train/augment_preview.hpp"
#include "train/data_source.hpp"
#include "train/run_folder.hpp"

namespace cnn {

namespace fs = std::filesystem;

namespace {

constexpr int kMistakesShown = 24;
constexpr int kEvalBatch = 1000;

std::shared_ptr<Canvas> share(Canvas canvas) { return std::make_shared<Canvas>(std::move(canvas)); }

// One image as the network sees it (after the input padding/cropping of fill_batch), with or
// without the model's normalisation (the network takes it normalised; people look at pixels).
Tensor network_input(const Dataset& data, int index, const Shape& input, const Normalization& normalization = {}) {
  Tensor x;
  const auto i = static_cast<std::uint32_t>(index);
  fill_batch(data.images, data.labels, &i, 1, input, x, nullptr, normalization);
  return x;
}

void add_curve_figures(ReportContent& c) {
  if (c.metrics.empty()) return;
  Series train_loss{"training", {}, {}, palette::kBlue, false}, validation_loss{"validation", {}, {}, palette::kOrange, true};
  Series train_accuracy = train_loss, validation_accuracy = validation_loss;
  Series lr{"learning rate", {}, {}, palette::kGreen, false};
  bool has_validation = false;
  for (const EpochMetrics& m : c.metrics) {
    const double nan = std::nan("");
    for (Series* s : {&train_loss, &validation_loss, &train_accuracy, &validation_accuracy, &lr}) s->x.push_back(m.epoch);
    train_loss.y.push_back(m.train_loss);
    validation_loss.y.push_back(m.validation_loss.value_or(nan));
    train_accuracy.y.push_back(100.0 * m.train_accuracy);
    validation_accuracy.y.push_back(m.validation_accuracy ? 100.0 * *m.validation_accuracy : nan);
    lr.y.push_back(m.lr);
    has_validation = has_validation || m.validation_accuracy.has_value();
  }
  std::vector<Series> losses{train_loss}, accuracies{train_accuracy};
  if (has_validation) {
    losses.push_back(validation_loss);
    accuracies.push_back(validation_accuracy);
  }
  c.figures.push_back({"loss", "Loss per epoch", "Mean cross-entropy (log scale) on the training images of each epoch and on the held-out validation images.",
                       share(line_chart({"Loss", "epoch", "cross-entropy", losses, true})), false});
  c.figures.push_back({"accuracy", "Accuracy per epoch", "Share of images classified correctly, in percent.",
                       share(line_chart({"Accuracy", "epoch", "accuracy (%)", accuracies, false})), false});
  c.figures.push_back({"learning-rate", "Learning rate", "The learning rate of each epoch's last step (the schedule).",
                       share(line_chart({"Learning rate", "epoch", "learning rate", {lr}, false})), false});
}

// The per-step curves as PNGs for figures/ (the page draws them with Chart.js): the loss as
// logged and smoothed as TensorBoard smooths it, the learning rate, the speed.
void add_step_figures(ReportContent& c) {
  if (c.steps.empty()) return;
  Series raw{"logged", {}, {}, palette::kSky, false}, smooth_line{"smoothed", {}, {}, palette::kBlue, false};
  Series lr{"learning rate", {}, {}, palette::kGreen, false}, speed{"images/s", {}, {}, palette::kPurple, false};
  std::vector<double> losses;
  for (const StepMetrics& m : c.steps) losses.push_back(m.loss);
  const std::vector<double> smooth = smoothed(losses);
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    const StepMetrics& m = c.steps[i];
    for (Series* s : {&raw, &smooth_line, &lr, &speed}) s->x.push_back(static_cast<double>(m.step));
    raw.y.push_back(m.loss);
    smooth_line.y.push_back(smooth[i]);
    lr.y.push_back(m.lr);
    speed.y.push_back(m.images_per_second);
  }
  c.figures.push_back({"loss-per-step", "Loss per step", "Training loss about 50 times an epoch (the mean of the batches since the point before), and smoothed.",
                       share(line_chart({"Loss per step", "optimizer step", "cross-entropy", {raw, smooth_line}, true})), false});
  c.figures.push_back({"learning-rate-per-step", "Learning rate per step", "The learning rate of each logged step.",
                       share(line_chart({"Learning rate per step", "optimizer step", "learning rate", {lr}, false})), false});
  c.figures.push_back({"images-per-second", "Training speed", "Images per second, the epoch's rate so far.",
                       share(line_chart({"Training speed", "optimizer step", "images/s", {speed}, false})), false});
}

// With augmentation on: test images beside what the run's augmentation makes of them (the same
// draws as the first images of epoch 1), so a reader sees what the network trained on.
void add_augmentation_figure(ReportContent& c, const Dataset& test, const LoadedModel& model) {
  const std::string images = c.split == "test" ? "Test images" : "Validation images";
  if (c.settings.is_null()) return;
  const RunConfig settings = parse_settings(c.settings, c.model_path);
  if (!settings.train.augment.enabled()) return;
  const int count = std::min(24, test.size());
  const PreviewGrid grid = augment_preview(test.images, model.spec.input, settings.train.augment, settings.train.seed, 1, count, 3,
                                          model.data.normalization.mean);
  Canvas canvas(grid.width, grid.height);
  const std::size_t plane = static_cast<std::size_t>(grid.height) * grid.width;
  for (int y = 0; y < grid.height; ++y)
    for (int x = 0; x < grid.width; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * grid.width + x;
      const std::uint8_t r = grid.pixels[i];
      const std::uint8_t g = grid.channels == 3 ? grid.pixels[plane + i] : r;
      const std::uint8_t b = grid.channels == 3 ? grid.pixels[2 * plane + i] : r;
      canvas.fill_rect(x, y, 1, 1, {r, g, b});
    }
  c.figures.push_back({"augmentation", "Augmentation",
                       images + " (left of each pair) beside what the run's train.augment makes of them (right): the kind "
                                "of image the network trained on.",
                       share(std::move(canvas))});
}

// Without a test set: the run's validation images into `validation` (the last data.validation
// images of its training set, as the run held them out), or false when the run had none or its
// data cannot be read any more (the note in c.test_missing stays).
bool validation_split(ReportContent& c, const LoadedModel& model, const DataLoadOptions& load, Dataset& validation) {
  if (c.settings.is_null()) return false;
  const RunConfig settings = parse_settings(c.settings, c.model_path);
  const int held_out = settings.data.validation;
  if (held_out <= 0) return false;
  Dataset all;
  try {
    all = load_training_data(settings.data, model.spec.input, load).data;
  } catch (const Error& e) {
    spdlog::warn("the report has no images to show: the run's training data could not be read ({})", e.what());
    return false;
  }
  if (held_out >= all.size()) return false;
  const int first = all.size() - held_out;
  validation.classes = all.classes;
  validation.class_names = all.class_names;
  validation.images = {held_out, all.images.channels, all.images.height, all.images.width, {}};
  const std::size_t size = all.images.image_size();
  validation.images.pixels.assign(all.images.pixels.begin() + static_cast<std::ptrdiff_t>(first * size), all.images.pixels.end());
  validation.labels.assign(all.labels.begin() + first, all.labels.end());
  c.split = "validation";
  c.test_source = fmt::format("the run's {} validation images, the last of {} (no test set there)", held_out, settings.data.dir);
  return true;
}

// The test set and the evaluation of the final model on it. An explicit --data that cannot be
// read is an error; the run's own recorded folder that has gone is only a note in the report.
void add_test_evaluation(ReportContent& c, const ReportRequest& request, LoadedModel& model) {
  std::string dir;
  if (request.data_dir) {
    dir = *request.data_dir;
  } else if (!c.settings.is_null()) {
    dir = parse_settings(c.settings, c.model_path).data.dir;
  } else {
    c.test_missing = "the model file records no data folder; run `cnn report " + c.run_dir + " --data DIR`";
    return;
  }
  Dataset test;
  DataLoadOptions load;
  load.threads = std::max(1, request.threads);
  try {
    test = load_test_data(model.data, dir, model.spec.input, load).data;
  } catch (const Error& e) {
    if (request.data_dir) throw;
    c.test_missing = fmt::format("the run's test set could not be read ({}); run `cnn report {} --data DIR`", e.what(), c.run_dir);
    // The validation images stand in for the pictures: what a CIFAR-10 run without its held-out
    // test split can show. The accuracy stays the metrics' validation figure.
    if (!validation_split(c, model, load, test)) return;
  }
  const int classes = model.net->output_shape()[0];
  check_labels(test.labels, classes, c.test_source.empty() ? dir : c.test_source);
  check_images_fit(test.images, model.spec.input);
  if (c.test_source.empty()) c.test_source = dir;
  ReplicaSet replicas(*model.net, model.spec, std::max(1, request.threads));
  c.test = evaluate(replicas, test.images, test.labels, 0, test.size(), kEvalBatch, model.data.normalization, true, request.tta);
  c.tta = tta_name(request.tta);
  const EvalResult& r = *c.test;

  // The most confident mistakes: wrong predictions sorted by the probability the model gave them.
  std::vector<int> wrong;
  for (int i = 0; i < r.count; ++i)
    if (r.predictions[static_cast<std::size_t>(i)] != test.labels[static_cast<std::size_t>(i)]) wrong.push_back(i);
  auto probability = [&](int i, int cls) { return r.probabilities[static_cast<std::size_t>(i) * classes + cls]; };
  std::stable_sort(wrong.begin(), wrong.end(), [&](int a, int b) {
    return probability(a, r.predictions[static_cast<std::size_t>(a)]) > probability(b, r.predictions[static_cast<std::size_t>(b)]);
  });
  if (static_cast<int>(wrong.size()) > kMistakesShown) wrong.resize(kMistakesShown);
  const Shape input = model.spec.input;
  const int scale = std::max(1, 84 / std::max(input[1], input[2]));
  // Grad-CAM's layer: the one asked for (a wrong name is an error), else the default, the last
  // conv layer's (a network without one gets no maps).
  const bool maps = !request.cam_layer.empty() || has_conv_layer(*model.net);
  const int cam_layer = maps ? grad_cam_layer(*model.net, request.cam_layer) : -1;
  if (cam_layer >= 0) c.cam_layer = model.net->layer_name(static_cast<std::size_t>(cam_layer));
  for (const int i : wrong) {
    Mistake m;
    m.index = i;
    m.truth = test.labels[static_cast<std::size_t>(i)];
    m.predicted = r.predictions[static_cast<std::size_t>(i)];
    m.confidence = probability(i, m.predicted);
    m.truth_probability = probability(i, m.truth);
    const Tensor pixels = network_input(test, i, input);
    m.image = share(input_image(pixels.data(), input, scale));
    if (cam_layer >= 0) {
      const ClassEvidence e = class_evidence(*model.net, network_input(test, i, input, model.data.normalization), m.predicted, cam_layer);
      m.grad_cam = share(evidence_overlay(pixels.data(), input, e.grad_cam, scale));
      m.saliency = share(evidence_overlay(pixels.data(), input, e.saliency, scale, 0.99));
    }
    c.mistakes.push_back(std::move(m));
  }

  c.figures.push_back({"confusion-matrix", "Confusion matrix",
                       "Rows: true class; columns: predicted class. Each cell shows its count; its colour, the share of its row.",
                       share(confusion_heatmap(r.confusion, c.class_names))});

  std::vector<double> recalls;
  for (int k = 0; k < r.classes(); ++k) recalls.push_back(r.recall(k));
  c.figures.push_back({"class-accuracy", "Accuracy per class",
                       "The share of each class's " + c.split +
                           " images classified as it (recall); the weakest class in red, the overall accuracy dashed.",
                       share(class_accuracy_bars(recalls, r.accuracy(), c.class_names))});

  add_augmentation_figure(c, test, model);

  // Feature maps of two test images: the first one and the first of another class.
  std::vector<int> examples{0};
  for (int i = 1; i < test.size() && examples.size() < 2; ++i)
    if (test.labels[static_cast<std::size_t>(i)] != test.labels[0]) examples.push_back(i);
  for (const int i : examples) {
    const Tensor x = network_input(test, i, input, model.data.normalization);
    std::vector<FeatureMaps> layers = feature_maps(*model.net, x.data());
    // The input panel shows the pixels, not their normalised values.
    if (!layers.empty() && layers.front().layer_name == "input") {
      const Tensor pixels = network_input(test, i, input);
      std::copy(pixels.data(), pixels.data() + pixels.size(), layers.front().maps.data());
    }
    for (const FeatureMaps& layer : layers)
      c.figures.push_back({fmt::format("feature-maps-{}-{}", i, layer.layer_name),
                           fmt::format("{} image {} (class {}): {}", c.split == "test" ? "Test" : "Validation", i, c.class_names[static_cast<std::size_t>(test.labels[static_cast<std::size_t>(i)])], layer.layer_name),
                           layer.layer_name == "input" ? "The image as the network receives it."
                                                       : "One small image per channel, each scaled to its own range (dark: low, yellow: high).",
                           share(feature_map_grid(layer))});
  }
}

}  // namespace

ReportContent gather_report(const ReportRequest& request) {
  ReportContent c;
  c.run_dir = request.run_dir;
  std::error_code error;
  CNN_CHECK_CODE(fs::is_directory(request.run_dir, error), ExitCode::kUsage, "{}: no such run folder", request.run_dir);
  c.model_path = (fs::path(request.run_dir) / "model.bin").string();
  CNN_CHECK_CODE(fs::exists(c.model_path, error), ExitCode::kUsage,
                 "{}: no model.bin: not a run folder written by `cnn train`", request.run_dir);
  LoadedModel model = load_model(c.model_path);
  CNN_CHECK_CODE(model.net->output_shape().rank() == 1, ExitCode::kModel, "{}: the model's output {} is not one score per class",
                 c.model_path, model.net->output_shape().str());
  c.config_text = model.config_text;
  c.settings = model.settings;
  c.created_by = model.contents.header.value("created_by", std::string("cnn"));
  c.network = summarize(*model.net);
  if (c.settings.is_object() && c.settings.contains("train") && c.settings["train"].contains("threads"))
    c.threads = c.settings["train"]["threads"].get<int>();
  c.class_names = model.data.class_names;
  c.data_format = std::string(kDataFormatNames.name(model.data.format));

  const std::string metrics = metrics_path(request.run_dir);
  if (fs::exists(metrics, error)) c.metrics = read_run_metrics(metrics);
  const std::string steps = steps_path(request.run_dir);
  // The per-step curves are a side file: one that cannot be read costs its charts, not the report.
  if (fs::exists(steps, error)) {
    try {
      c.steps = read_run_steps(steps);
    } catch (const Error& e) {
      spdlog::warn("the per-step curves are left out: {}", e.what());
    }
  }
  add_curve_figures(c);
  add_step_figures(c);
  if (has_conv_layer(*model.net))
    c.figures.push_back({"filters", "First conv layer's filters",
                         "Each kernel as the network learnt it: red positive, blue negative, white zero, one scale for all.",
                         share(filter_grid(*model.net))});
  if (request.stage == ReportStage::kFinal) {
    add_test_evaluation(c, request, model);
  } else if (request.stage == ReportStage::kLive) {
    c.test_missing = "the run is still training; the test set is evaluated when it ends";
  } else {
    c.test_missing = "the run stopped before its last epoch; `cnn report " + request.run_dir + "` evaluates the model it saved";
  }
  if (request.stage == ReportStage::kLive) {
    c.live = true;
    c.epochs_done = request.epochs_done;
    c.epochs = request.epochs;
    c.refresh_seconds = request.refresh_seconds;
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char text[16];
    std::strftime(text, sizeof text, "%H:%M:%S", &local);
    c.written_at = text;
  }
  return c;
}

ReportOutcome write_report(const ReportRequest& request) {
  const ReportContent content = gather_report(request);
  ReportOutcome outcome;
  const bool figures = request.write_figures && request.stage == ReportStage::kFinal;  // PNGs once, at the end
  const std::string html = render_report_html(content, figures);
  outcome.html_path = (fs::path(request.run_dir) / "report.html").string();
  write_file_atomically(outcome.html_path, html);
  outcome.html_bytes = html.size();
  outcome.evaluated = content.test.has_value();
  if (figures) {
    const fs::path folder = fs::path(request.run_dir) / "figures";
    std::error_code error;
    fs::create_directories(folder, error);
    CNN_CHECK_CODE(!error, ExitCode::kIo, "{}: cannot create the figures folder: {}", folder.string(), error.message());
    for (const Figure& f : content.figures) {
      write_file_atomically((folder / (f.id + ".png")).string(), f.image->encode_png());
      ++outcome.figures;
    }
  }
  return outcome;
}

}  // namespace cnn
