// `cnn augment-preview` command line and entry point.
#include "cli/augment_preview.hpp"

#include <spdlog/spdlog.h>

#include "config/config.hpp"
#include "core/error.hpp"
#include "io/png_write.hpp"
#include "train/augment_preview.hpp"
#include "runtime/network_input.hpp"
#include "train/data_source.hpp"

namespace cnn {

CLI::App* add_augment_preview_command(CLI::App& parent, AugmentPreviewOptions& o) {
  CLI::App* cmd = parent.add_subcommand(
      "augment-preview", "Write a PNG of training images (left) beside their augmented versions (right), per train.augment");
  cmd->add_option("-c,--config", o.config_path, "YAML config with data and train.augment")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", o.output_path, "PNG file to write")->required();
  cmd->add_option("-n,--count", o.count, "How many training images to show")->check(CLI::Range(1, 1024));
  cmd->add_option("--epoch", o.epoch, "Show the augmentation of this epoch (each epoch draws anew)")->check(CLI::Range(1, 100000));
  cmd->add_option("--zoom", o.zoom, "Enlarge each image this many times")->check(CLI::Range(1, 16));
  cmd->add_option("--data", o.data_dir, "Folder with the training data (overrides data.dir)");
  return cmd;
}

int run_augment_preview(const AugmentPreviewOptions& o) {
  RunConfig config = load_config(o.config_path);
  if (o.data_dir) config.data.dir = *o.data_dir;
  if (!config.train.augment.enabled())
    spdlog::warn("{}: train.augment is off, so the augmented images equal the originals", o.config_path);
  const Dataset data = load_training_data(config.data, config.model.input, DataLoadOptions{}).data;
  check_images_fit(data.images, config.model.input);
  const int count = std::min(o.count, data.size());
  const PreviewGrid grid =
      augment_preview(data.images, config.model.input, config.train.augment, config.train.seed, o.epoch - 1, count, o.zoom,
                      config.data.normalize == NormalizeMode::kGiven ? config.data.normalization.mean : std::vector<float>{});
  write_png_planes(o.output_path, grid.channels, grid.height, grid.width, grid.pixels);
  spdlog::info("wrote {} ({} images, {}x{} pixels)", o.output_path, count, grid.width, grid.height);
  return 0;
}

}  // namespace cnn
