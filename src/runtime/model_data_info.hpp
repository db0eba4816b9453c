// What a model's input and outputs mean to someone outside cnn, in words and names: its class
// names, how cnn turns an image file into what the network sees, and the normalisation. Written
// in one place, from the model file's data description (io/data_description.hpp), so that
// `cnn summary` and the ONNX export's metadata (onnx/onnx_metadata.cpp) say the same thing.
#pragma once

#include <string>
#include <vector>

#include "io/data_description.hpp"
#include "net/model_spec.hpp"

namespace cnn {

struct ModelDataInfo {
  std::vector<std::string> class_names;  // by output index
  int channels = 1;
  std::string input;               // what the network's input holds
  std::string preparation;         // name of the rule `cnn predict` applies to an image file
  std::string preparation_detail;  // that rule in words
  Normalization normalization;     // applied to [0, 1] pixels before the first layer (none: empty)
};

// `data` is the model file's description (legacy files: digits, "0".."N-1"), or for a config not
// yet trained what training will record as far as the config says it.
ModelDataInfo model_data_info(const ModelSpec& spec, const DataDescription& data);

}  // namespace cnn
