// `cnn train`: train a network described by a config file, checkpointing into a run folder.
#pragma once

#include <CLI/CLI.hpp>

#include "core/communicator.hpp"
#include <optional>
#include <string>

namespace cnn {

struct TrainOptions {
  std::string config_path;
  // Overrides of config values; unset means "take the config's value".
  std::optional<int> epochs;
  std::optional<int> batch_size;
  std::optional<float> lr;
  std::optional<std::uint64_t> seed;
  std::optional<int> threads;
  std::optional<std::string> data_dir;
  std::optional<std::string> out_dir;
  std::optional<int> validation;
  bool overwrite = false;   // replace the run in the output folder instead of using a numbered sibling
  std::string resume_path;  // continue a run exactly from this checkpoint
  std::string init_path;    // start from these weights with a fresh optimizer
  bool no_report = false;   // skip report.html at the end
  bool tensorboard = false; // TensorBoard event files in the run folder (also train.tensorboard)
};

CLI::App* add_train_command(CLI::App& parent, TrainOptions& options);
// Every rank of a distributed run calls it with the same options (comm: core/communicator.hpp).
int run_train(const TrainOptions& options, Communicator& comm);

}  // namespace cnn
