// Reading a model file into a network ready to run: what eval, predict, summary, export, report
// and training's resume all start from (the bytes are io/model_file.hpp's; the whole format is
// docs/model-format.md).
//
//   header JSON: {"format": "cnn-model", "created_by": "cnn X.Y.Z", "architecture": {...},
//                 "config": "<YAML text>", "settings": {...} (the run's effective settings,
//                 config/config.hpp), "data": {...} (io/data_description.hpp: class names, channels,
//                 image preparation, normalisation), "training": {...} (checkpoints only)}
//   tensors:     every parameter by name ("conv1.weight"), every layer's state tensor
//                ("batch_norm1.running_mean"), then optimizer state ("adam.m/conv1.weight", ...) in checkpoints
//
// Loading builds the network from the architecture and checks every tensor's presence, shape and
// finiteness before any weight is used. Checkpoints are written, and their training state read
// back, by train/checkpoint.hpp.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "io/data_description.hpp"
#include "io/model_file.hpp"
#include "net/model_spec.hpp"
#include "net/net.hpp"

namespace cnn {

struct LoadedModel {
  ModelSpec spec;
  std::string config_text;
  nlohmann::json settings;  // null in files without recorded settings
  DataDescription data;     // the header's "data"; without one, legacy_data_description (digits)
  std::unique_ptr<Net> net;
  ModelFileContents contents;
  bool has_training_state() const { return contents.header.contains("training"); }
};

// kModel errors name the file and what is wrong with it.
LoadedModel load_model(const std::string& path);
// The same checks on bytes already in memory; `name` stands for the file in messages.
LoadedModel load_model_from_bytes(const std::string& bytes, const std::string& name);

}  // namespace cnn
