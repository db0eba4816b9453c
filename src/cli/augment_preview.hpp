// `cnn augment-preview`: a PNG of training images beside their augmented versions
// (train/augment_preview.hpp), from a config's data and train.augment.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace cnn {

struct AugmentPreviewOptions {
  std::string config_path;
  std::string output_path;
  int count = 36;
  int epoch = 1;  // 1-based, as train reports epochs
  int zoom = 3;
  std::optional<std::string> data_dir;  // overrides data.dir
};

CLI::App* add_augment_preview_command(CLI::App& parent, AugmentPreviewOptions& options);
int run_augment_preview(const AugmentPreviewOptions& options);

}  // namespace cnn
