// `cnn eval`: accuracy, loss, per-class precision/recall and confusion matrix of a model file.
#pragma once

#include <CLI/CLI.hpp>

#include "core/communicator.hpp"
#include <optional>
#include <string>

namespace cnn {

struct EvalOptions {
  std::string weights_path;
  std::optional<std::string> data_dir;  // folder with t10k-* IDX files; default data/mnist
  std::string images_path;              // explicit IDX pair, overriding data_dir
  std::string labels_path;
  std::string format = "text";
  int batch_size = 1000;
  std::optional<int> threads;
  bool predictions = false;  // list every image's predicted class
  std::string tta = "none";  // test-time augmentation (runtime/test_time_augmentation.hpp)
};

CLI::App* add_eval_command(CLI::App& parent, EvalOptions& options);
// Under mpirun every rank evaluates its share of the images; rank 0 prints the combined result.
int run_eval(const EvalOptions& options, Communicator& comm);

}  // namespace cnn
