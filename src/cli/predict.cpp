// `cnn predict` command line and entry point.
#include "cli/predict.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <filesystem>
#include <memory>
#include <numeric>

#include "cli/latest_model.hpp"
#include "core/error.hpp"
#include "io/image.hpp"
#include "ops/blas.hpp"
#include "report/explain_page.hpp"
#include "runtime/class_evidence.hpp"
#include "runtime/model_loader.hpp"
#include "runtime/network_input.hpp"
#include "runtime/softmax_cross_entropy.hpp"
#include "runtime/test_time_augmentation.hpp"

namespace cnn {

CLI::App* add_predict_command(CLI::App& parent, PredictOptions& o) {
  CLI::App* cmd = parent.add_subcommand("predict", "Classify images (PNG, JPEG, BMP)");
  cmd->add_option("images", o.images, "Image files to classify")->required();
  cmd->add_option("-w,--weights", o.weights_path, "Model file (default: the latest trained model)");
  cmd->add_option("-k,--top-k", o.top_k, "How many classes to list per image")->check(CLI::Range(1, 1000));
  cmd->add_option("--format", o.format, "Output format")->check(CLI::IsMember({"text", "json"}));
  cmd->add_flag("--raw", o.raw,
                "Skip the preparation: a digit model's MNIST-style one (for images already 28x28, white on black), a folder "
                "or CIFAR model's resize (for images already of the model's input size)");
  cmd->add_option("--save-prepared", o.save_prepared, "Folder to save what the network saw, as PNG of the model's input size");
  cmd->add_flag("--show", o.show, "Draw what the network saw on stderr");
  cmd->add_option("--explain", o.explain,
                  "Folder for a page (index.html + PNGs) showing, per image, what the network saw, the class probabilities, "
                  "where it looked (Grad-CAM and saliency) and the feature maps of every conv and pool layer");
  cmd->add_option("--cam-layer", o.cam_layer,
                  "With --explain: the layer whose maps Grad-CAM weighs, by name (default: the last conv layer, after its "
                  "batch norm, activation or residual add)");
  cmd->add_option("--cam-class", o.cam_class,
                  "With --explain: the class to explain, by name or index (default: the class each image is predicted as)");
  cmd->add_option("--tta", o.tta, "Test-time augmentation: flip averages the logits of each image and its left-right mirror; flip-translate "
                  "adds the pair moved a pixel up-left and down-right (six views)")
      ->check(CLI::IsMember({"none", "flip", "flip-translate"}));
  cmd->add_option("--threads", o.threads, "Threads for the matrix products (default: 1; images go one at a time)")
      ->check(CLI::Range(1, 1024));
  return cmd;
}

namespace {

// Brightness of a prepared image for --show: the mean over the channels.
GrayImage brightness(const PreparedImage& view) {
  GrayImage g;
  g.height = view.height;
  g.width = view.width;
  const std::size_t plane = static_cast<std::size_t>(g.height) * g.width;
  g.pixels.assign(plane, 0.0f);
  for (int c = 0; c < view.channels; ++c)
    for (std::size_t i = 0; i < plane; ++i) g.pixels[i] += view.pixels[c * plane + i] / static_cast<float>(view.channels);
  return g;
}

// --save-prepared: a gray or RGB PNG of the model input's size.
void save_prepared(const std::string& path, const PreparedImage& view) {
  if (view.channels == 1) {
    write_gray_png(path, GrayImage{view.width, view.height, view.pixels});
    return;
  }
  std::vector<std::uint8_t> planes(view.pixels.size());
  for (std::size_t i = 0; i < planes.size(); ++i)
    planes[i] = static_cast<std::uint8_t>(std::clamp(view.pixels[i], 0.0f, 1.0f) * 255.0f + 0.5f);
  write_planar_png(path, planes.data(), view.channels, view.height, view.width);
}

void show_ascii(const std::string& path, const GrayImage& view) {
  static const char kShades[] = " .:-=+*#%@";
  std::string art = path + ":\n";
  for (int y = 0; y < view.height; ++y) {
    for (int x = 0; x < view.width; ++x) art += kShades[std::clamp(static_cast<int>(view.at(y, x) * 9.99f), 0, 9)];
    art += '\n';
  }
  std::fputs(art.c_str(), stderr);
}

// --cam-class: a class name, else a class index.
int class_to_explain(const std::string& text, const std::vector<std::string>& names) {
  for (std::size_t c = 0; c < names.size(); ++c)
    if (names[c] == text) return static_cast<int>(c);
  int index = -1;
  const char* end = text.data() + text.size();
  const auto [at, error] = std::from_chars(text.data(), end, index);
  CNN_CHECK_CODE(error == std::errc() && at == end && index >= 0 && index < static_cast<int>(names.size()), ExitCode::kUsage,
                 "--cam-class {}: not a class of the model (names: {}; or an index from 0 to {})", text,
                 fmt::join(names, ", "), names.size() - 1);
  return index;
}

std::string prepared_path(const std::string& dir, const std::string& image_path, std::size_t index) {
  return (std::filesystem::path(dir) / (std::to_string(index) + "-" + std::filesystem::path(image_path).stem().string() +
                                        ".prepared.png"))
      .string();
}

}  // namespace

int run_predict(const PredictOptions& o) {
  set_blas_threads(o.threads ? *o.threads : 1);  // one image at a time: threads only cost start-up
  const std::string weights = o.weights_path.empty() ? latest_model() : o.weights_path;
  LoadedModel model = load_model(weights);
  const Shape& input = model.spec.input;
  const DataDescription& data = model.data;
  CNN_CHECK_CODE(data.preparation != Preparation::kMnistDigit || input[0] == 1, ExitCode::kModel,
                 "{}: MNIST-style digit preparation makes gray images, the model wants {} channels", weights, input[0]);
  const int classes = static_cast<int>(model.net->output_shape().numel());
  if (!o.save_prepared.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.save_prepared, ec);
    CNN_CHECK_CODE(std::filesystem::is_directory(o.save_prepared), ExitCode::kIo, "{}: cannot create the folder",
                   o.save_prepared);
  }
  auto name_of = [&](int c) { return data.class_names[static_cast<std::size_t>(c)]; };
  CNN_CHECK_CODE(!o.explain.empty() || (o.cam_layer.empty() && o.cam_class.empty()), ExitCode::kUsage,
                 "--cam-layer and --cam-class choose what --explain shows; give --explain DIR too");
  std::unique_ptr<ExplainPage> explain;
  int cam_layer = -1, cam_class = -1;
  if (!o.explain.empty()) {
    cam_layer = grad_cam_layer(*model.net, o.cam_layer);  // a wrong name fails before any image is read
    if (!o.cam_class.empty()) cam_class = class_to_explain(o.cam_class, data.class_names);
    explain = std::make_unique<ExplainPage>(o.explain, weights, data.class_names);
  }
  nlohmann::json results = nlohmann::json::array();
  Tensor x(input.with_batch(1));
  Tensor probs;
  TtaScratch tta_scratch;
  const TestTimeAugmentation tta = parse_tta(o.tta);
  for (std::size_t i = 0; i < o.images.size(); ++i) {
    const std::string& path = o.images[i];
    // The network's input, prepared as the model's training data was (io/data_description.hpp).
    const PreparedImage view = prepare_image_file(path, data, input, o.raw);
    if (o.show) show_ascii(path, brightness(view));
    if (!o.save_prepared.empty()) save_prepared(prepared_path(o.save_prepared, path, i), view);
    image_to_input(view, data.normalization, x);
    softmax_rows(tta_logits(*model.net, x, tta, tta_scratch), probs);
    std::vector<int> order(static_cast<std::size_t>(classes));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return probs[static_cast<std::size_t>(a)] > probs[static_cast<std::size_t>(b)]; });
    if (explain) {
      const std::vector<float> probabilities(probs.data(), probs.data() + classes);
      const ClassEvidence evidence = class_evidence(*model.net, x, cam_class >= 0 ? cam_class : order[0], cam_layer);
      explain->add(*model.net, path, x.data(), view.pixels.data(), probabilities, evidence, cam_layer);
    }
    const int k = std::min(o.top_k, classes);
    if (o.format == "json") {
      nlohmann::json top = nlohmann::json::array();
      for (int j = 0; j < k; ++j)
        top.push_back({{"class", order[j]}, {"class_name", name_of(order[j])}, {"probability", probs[static_cast<std::size_t>(order[j])]}});
      results.push_back({{"file", path},
                         {"class", order[0]},
                         {"class_name", name_of(order[0])},
                         {"probabilities", std::vector<float>(probs.data(), probs.data() + classes)},
                         {"top", top}});
    } else {
      std::string line = fmt::format("{}: {}", path, name_of(order[0]));
      for (int j = 0; j < k; ++j)
        line += fmt::format("{}{} {:.4f}", j == 0 ? "  (" : ", ", name_of(order[j]), probs[static_cast<std::size_t>(order[j])]);
      fmt::print("{})\n", line);
    }
  }
  if (o.format == "json") fmt::print("{}\n", results.dump());
  if (explain) spdlog::info("explained: {}", explain->write());
  return 0;
}

}  // namespace cnn
