// The metadata_props of an exported model: what a user of the .onnx file needs to feed it and to
// read its output, from the one description of a model's data (runtime/model_data_info.hpp).
//
//   class_names         JSON array of strings, by output index: ["0", "1", ..., "9"]
//   input               what the input tensor holds
//   preparation         the name of the rule cnn applies to an image file ("mnist_digit", "none")
//   preparation_detail  that rule in words
//   output              "logits" or "probabilities", and what they mean
#pragma once

#include <onnx/onnx_pb.h>

#include "runtime/model_data_info.hpp"

namespace cnn {

void add_onnx_metadata(onnx::ModelProto& model, const ModelDataInfo& data, bool probabilities);

}  // namespace cnn
