// What a model's input and outputs mean to someone outside cnn: its class names and how cnn turns
// an image file into what the network sees. Written in one place so that `cnn summary` and the
// ONNX export's metadata (onnx/onnx_metadata.cpp) say the same thing, and a new field of the
// model file (class names, channels, normalisation of the data a model was trained on) is added
// here once.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "net/model_spec.hpp"

namespace cnn {

struct ModelDataInfo {
  std::vector<std::string> class_names;  // by output index
  int channels = 1;
  std::string input;        // what the network's input holds
  std::string preparation;  // name of the rule `cnn predict` applies to an image file
  std::string preparation_detail;  // that rule in words
};

// `classes` is the network's output size; `header` is a model file's header (null for a config not
// yet trained). Every model cnn has written so far is a digit model (MNIST-style IDX data): ten
// classes named "0".."9" and predict's MNIST-style preparation; the header holds nothing more yet.
ModelDataInfo model_data_info(const ModelSpec& spec, int classes, const nlohmann::json& header);

}  // namespace cnn
