// `cnn train` command line and entry point.
#include "cli/train.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>

#include "cli/latest_model.hpp"
#include "cli/progress.hpp"
#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "net/builder.hpp"
#include "train/checkpoint.hpp"
#include "train/trainer.hpp"

namespace cnn {

CLI::App* add_train_command(CLI::App& parent, TrainOptions& o) {
  CLI::App* cmd = parent.add_subcommand("train", "Train a network from a config file");
  cmd->add_option("-c,--config", o.config_path, "YAML config describing the network and training")
      ->check(CLI::ExistingFile);
  cmd->add_option("--epochs", o.epochs, "Number of epochs (overrides train.epochs)")->check(CLI::Range(1, 100000));
  cmd->add_option("--batch-size", o.batch_size, "Mini-batch size (overrides train.batch_size)")
      ->check(CLI::Range(1, 65536));
  cmd->add_option("--lr", o.lr, "Learning rate (overrides train.optimizer.lr)")->check(CLI::PositiveNumber);
  cmd->add_option("--seed", o.seed, "Random seed for initialisation and shuffling (overrides train.seed)");
  cmd->add_option("--threads", o.threads, "Threads for all parallel work (default: all cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--data", o.data_dir, "Folder with the four IDX files (overrides data.dir)");
  cmd->add_option("--out", o.out_dir, "Run folder for checkpoints and metrics (overrides output)");
  cmd->add_option("--validation", o.validation, "Training images held out for validation (overrides data.validation)")
      ->check(CLI::Range(0, 100000000));
  auto* resume = cmd->add_option("--resume", o.resume_path, "Continue a run exactly from this checkpoint")
                     ->check(CLI::ExistingFile);
  auto* init = cmd->add_option("--init", o.init_path, "Start from this model file's weights with a fresh optimizer")
                   ->check(CLI::ExistingFile);
  resume->excludes(init);
  return cmd;
}

namespace {

std::atomic<bool> g_stop_requested{false};

extern "C" void request_stop(int) { g_stop_requested.store(true); }

// The config: --config when given, else the one embedded in the --resume checkpoint; then the
// command-line overrides.
RunConfig resolve_config(const TrainOptions& o) {
  RunConfig config;
  if (!o.config_path.empty()) {
    config = load_config(o.config_path);
  } else if (!o.resume_path.empty()) {
    const LoadedModel saved = load_model(o.resume_path);
    CNN_CHECK_CODE(!saved.config_text.empty(), ExitCode::kModel, "{}: holds no config; pass --config", o.resume_path);
    config = parse_config(saved.config_text, o.resume_path + " (embedded config)");
  } else {
    CNN_FAIL(ExitCode::kUsage, "cnn train needs --config FILE (or --resume CHECKPOINT)");
  }
  if (o.epochs) config.train.epochs = *o.epochs;
  if (o.batch_size) config.train.batch_size = *o.batch_size;
  if (o.lr) config.train.optimizer.lr = *o.lr;
  if (o.seed) config.train.seed = *o.seed;
  if (o.threads) config.train.threads = *o.threads;
  if (o.data_dir) config.data.dir = *o.data_dir;
  if (o.out_dir) config.output = *o.out_dir;
  if (o.validation) config.data.validation = *o.validation;
  return config;
}

}  // namespace

int run_train(const TrainOptions& options) {
  // Installed first, so that even a signal during start-up ends with a step and a checkpoint.
  g_stop_requested.store(false);
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  TrainRequest request;
  request.config = resolve_config(options);
  request.resume_path = options.resume_path;
  request.init_path = options.init_path;
  const RunConfig& config = request.config;
  ensure_writable_folder(config.output);  // fail now, not after an epoch
  build_net(config.model);                 // and on a bad architecture before loading any data
  spdlog::info("loading training data from {}", config.data.dir);
  const Dataset data = load_split(config.data.dir, true);

  ConsoleProgress progress;
  run_training(request, data, progress, g_stop_requested);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);

  const std::string model = checkpoint_path(config.output);
  remember_latest_model(model);
  fmt::print("model: {}\n", model);
  if (config.data.validation > 0) fmt::print("best:  {}\n", best_path(config.output));
  fmt::print("metrics: {}/metrics.csv\n", config.output);
  return 0;
}

}  // namespace cnn
