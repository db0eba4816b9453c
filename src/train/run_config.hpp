// RunConfig: what one training run is told: its data, its network, its training settings and its
// run folder. Read from a config file by config/config.hpp; recorded in checkpoints as settings.
#pragma once

#include <cstdint>
#include <string>

#include "net/model_spec.hpp"
#include "train/augment.hpp"
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
  AugmentConfig augment;  // off unless the config asks (training images only)
};

struct RunConfig {
  DataConfig data;
  ModelSpec model;
  TrainSettings train;
  std::string output = "runs/default";
  std::string text;  // the YAML source, kept in checkpoints
};

}  // namespace cnn
