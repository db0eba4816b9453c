// `cnn train` command line and entry point.
#include "cli/train.hpp"

#include "core/error.hpp"

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

int run_train(const TrainOptions&) { CNN_FAIL(ExitCode::kUsage, "cnn train: not implemented yet"); }

}  // namespace cnn
