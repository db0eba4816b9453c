// The run config: a YAML file (yaml-cpp) with a closed schema, SPEC.md section 3.
//
//   data:   {dir: data/mnist, validation: 5000}
//   model:  {input: [1, 28, 28], layers: [...], init: he_normal}
//   train:  {epochs, batch_size, optimizer: {type, lr, ...}, schedule: {...}, weight_decay, seed, threads}
//   output: runs/lenet5
//
// Every error (unknown or duplicate key, wrong type, value out of range, missing key) throws
// cnn::Error(kUsage) with "file:line: key: what is wrong".
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "net/model_spec.hpp"
#include "train/optimizer.hpp"
#include "train/schedule.hpp"

namespace cnn {

struct DataConfig {
  std::string dir = "data/mnist";  // the four IDX files, raw or .gz
  int validation = 5000;           // training images held out (the last ones)
};

struct TrainSettings {
  int epochs = 10;
  int batch_size = 32;
  OptimizerConfig optimizer;
  ScheduleConfig schedule;
  std::uint64_t seed = 1;
  int threads = 0;  // 0: all cores
};

struct RunConfig {
  DataConfig data;
  ModelSpec model;
  TrainSettings train;
  std::string output = "runs/default";
  std::string text;  // the YAML source, kept in checkpoints
};

RunConfig load_config(const std::string& path);
// Parses YAML text; `name` is used in error messages in place of a file name.
RunConfig parse_config(const std::string& text, const std::string& name);

// A run's effective settings (data, train and output after every command-line override; the
// model is stored separately as the architecture), as checkpoints record them:
//   {"data": {"dir", "validation"}, "train": {"epochs", "batch_size", "optimizer": {...},
//    "schedule": {...}, "weight_decay", "seed", "threads"}, "output"}
// Floats round-trip exactly. parse_settings reads them back through the config's own schema
// (unknown keys, types and ranges are errors naming `name`); its RunConfig has no model.
nlohmann::json settings_to_json(const RunConfig& config);
RunConfig parse_settings(const nlohmann::json& settings, const std::string& name);

}  // namespace cnn
