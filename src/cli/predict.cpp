// `cnn predict` command line and entry point.
#include "cli/predict.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <numeric>

#include "cli/latest_model.hpp"
#include "core/error.hpp"
#include "io/image_prep.hpp"
#include "io/resize_prep.hpp"
#include "ops/blas.hpp"
#include "train/batch.hpp"
#include "train/checkpoint.hpp"
#include "train/softmax_cross_entropy.hpp"

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
  cmd->add_option("--threads", o.threads, "Threads for the matrix products (default: 1; images go one at a time)")
      ->check(CLI::Range(1, 1024));
  return cmd;
}

namespace {

// A digit model's view of one file: MNIST-style prepared (or raw) and centred in the model's input.
GrayImage digit_view(const PredictOptions& o, const std::string& path, const Shape& input) {
  const GrayImage image = load_gray_image(path);
  if (o.raw) return as_raw_input(image, input[1], input[2], path);
  // The rule of training's batches (train/batch.hpp): the 28x28 digit fills the input, or sits in
  // its 2-pixel border (the classic 32x32 LeNet input).
  CNN_CHECK_CODE(images_fit(28, 28, input), ExitCode::kUsage,
                 "the model's input {} takes no MNIST-style 28x28 image (it must be 28x28, or 32x32 with a {}-pixel border); "
                 "use --raw",
                 input.str(), kInputBorder);
  GrayImage prepared = prepare_mnist_style(image, path);
  if (input[1] == 28 && input[2] == 28) return prepared;
  GrayImage padded;  // the classic 32x32 LeNet input: centred with a zero border
  padded.height = input[1];
  padded.width = input[2];
  padded.pixels.assign(static_cast<std::size_t>(padded.height) * padded.width, 0.0f);
  const int top = (padded.height - 28) / 2, left = (padded.width - 28) / 2;
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 28; ++x) padded.pixels[static_cast<std::size_t>(top + y) * padded.width + left + x] = prepared.at(y, x);
  return padded;
}

// A folder or CIFAR model's view of one file: the loader's own preparation (io/resize_prep.hpp),
// as one image of an ImageSet; --raw only refuses an image that would need resizing.
ImageSet resized_view(const PredictOptions& o, const std::string& path, const Shape& input) {
  ImageSet view;
  view.count = 1;
  view.channels = input[0];
  view.height = input[1];
  view.width = input[2];
  const std::vector<unsigned char> bytes = read_image_file(path);
  const RgbaImage image = decode_rgba_image(bytes.data(), bytes.size(), path);
  if (o.raw)
    CNN_CHECK_CODE(image.height == input[1] && image.width == input[2], ExitCode::kIo,
                   "{}: --raw needs a {}x{} image like the model's input, this one is {}x{} (drop --raw to resize it)", path,
                   input[2], input[1], image.width, image.height);
  view.pixels = prepare_resized(image, input[0], input[1], input[2], path);
  return view;
}

// Brightness of a (C, H, W) u8 view for --show: the mean over the channels.
GrayImage brightness(const ImageSet& view) {
  GrayImage g;
  g.height = view.height;
  g.width = view.width;
  const std::size_t plane = static_cast<std::size_t>(g.height) * g.width;
  g.pixels.assign(plane, 0.0f);
  for (int c = 0; c < view.channels; ++c)
    for (std::size_t i = 0; i < plane; ++i) g.pixels[i] += view.pixels[c * plane + i] / (255.0f * view.channels);
  return g;
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
  const bool digits = data.preparation == Preparation::kMnistDigit;
  CNN_CHECK_CODE(!digits || input[0] == 1, ExitCode::kModel,
                 "{}: MNIST-style digit preparation makes gray images, the model wants {} channels", weights, input[0]);
  const int classes = static_cast<int>(model.net->output_shape().numel());
  if (!o.save_prepared.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.save_prepared, ec);
    CNN_CHECK_CODE(std::filesystem::is_directory(o.save_prepared), ExitCode::kIo, "{}: cannot create the folder",
                   o.save_prepared);
  }
  auto name_of = [&](int c) { return data.class_names[static_cast<std::size_t>(c)]; };
  nlohmann::json results = nlohmann::json::array();
  Tensor x(input.with_batch(1));
  Tensor probs;
  for (std::size_t i = 0; i < o.images.size(); ++i) {
    const std::string& path = o.images[i];
    // The network's input, prepared as the model's training data was (io/data_description.hpp).
    if (digits) {
      const GrayImage view = digit_view(o, path, input);
      if (o.show) show_ascii(path, view);
      if (!o.save_prepared.empty()) write_gray_png(prepared_path(o.save_prepared, path, i), view);
      x.resize(input.with_batch(1));
      std::copy(view.pixels.begin(), view.pixels.end(), x.data());
      apply_normalization(x, data.normalization);
    } else {
      const ImageSet view = resized_view(o, path, input);
      if (o.show) show_ascii(path, brightness(view));
      if (!o.save_prepared.empty())
        write_planar_png(prepared_path(o.save_prepared, path, i), view.pixels.data(), view.channels, view.height, view.width);
      const std::uint32_t first = 0;
      fill_batch(view, {0}, &first, 1, input, x, nullptr, data.normalization);
    }
    softmax_rows(model.net->forward(x, Mode::kInfer), probs);
    std::vector<int> order(static_cast<std::size_t>(classes));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return probs[static_cast<std::size_t>(a)] > probs[static_cast<std::size_t>(b)]; });
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
  return 0;
}

}  // namespace cnn
