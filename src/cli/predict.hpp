// `cnn predict`: class and top-k probabilities for one or more images.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace cnn {

struct PredictOptions {
  std::vector<std::string> images;
  std::string weights_path;  // default: the latest run's model (see latest_model_pointer())
  int top_k = 3;
  std::string format = "text";
  bool raw = false;            // skip the preparation (digit: already 28x28 MNIST-style; resize: already the input size)
  std::string save_prepared;   // folder to write what the network saw, as PNG
  bool show = false;           // draw what the network saw on stderr as ASCII art
  std::string explain;         // folder for an HTML page of feature maps, probabilities, Grad-CAM and saliency per image
  std::string cam_layer;       // --explain's Grad-CAM layer by name (default: runtime/class_evidence.hpp's choice)
  std::string cam_class;       // --explain's class to explain, by name or index (default: each image's prediction)
  std::optional<int> threads;
  std::string tta = "none";  // test-time augmentation (runtime/test_time_augmentation.hpp)
};

CLI::App* add_predict_command(CLI::App& parent, PredictOptions& options);
int run_predict(const PredictOptions& options);

}  // namespace cnn
