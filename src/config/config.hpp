// The config reader: a YAML file (yaml-cpp) with a closed schema (docs/behaviour.md, "The config
// file") into the RunConfig of train/run_config.hpp. It sits above everything it configures
// (docs/architecture.md).
//
//   data:   {dir: data/mnist, validation: 5000, format: idx | cifar10 | folder, transpose: false,
//            class_names: [..] | FILE, normalize: auto | {mean: [..], std: [..]}, skip_bad_images: false}
//   model:  {input: [1, 28, 28], layers: [...], init: he_normal}
//   train:  {epochs, batch_size, optimizer: {type, lr, ...}, schedule: {...}, weight_decay, seed, threads,
//            augment: {rotation, scale, shear, translate, elastic: {alpha, sigma}, flip, crop}}
//   output: runs/lenet5
//
// Every error (unknown or duplicate key, wrong type, value out of range, missing key) throws
// cnn::Error(kUsage) with "file:line: key: what is wrong".
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "train/run_config.hpp"

namespace cnn {

RunConfig load_config(const std::string& path);
// Parses YAML text; `name` is used in error messages in place of a file name.
RunConfig parse_config(const std::string& text, const std::string& name);

// A run's effective settings (data, train and output after every command-line override; the
// model is stored separately as the architecture), as checkpoints record them:
//   {"data": {"dir", "validation", and the other data keys when not at their defaults}, "train": {"epochs", "batch_size", "optimizer": {...},
//    "schedule": {...}, "weight_decay", "seed", "threads", "augment" (only when on)}, "output"}
// Floats round-trip exactly. parse_settings reads them back through the config's own schema
// (unknown keys, types and ranges are errors naming `name`); its RunConfig has no model.
nlohmann::json settings_to_json(const RunConfig& config);
RunConfig parse_settings(const nlohmann::json& settings, const std::string& name);

}  // namespace cnn
