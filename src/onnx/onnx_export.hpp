// ONNX export of a trained model (`cnn export`): one graph, opset 13, IR version 7, that computes
// what cnn's network computes at inference.
//
//   input   "input": float32 (N, C, H, W), N symbolic ("N"), pixels in [0, 1] as cnn has them
//           before its normalisation; a model's stored normalisation is the graph's first node,
//           one BatchNormalization that computes (x - mean[c]) / std[c] (onnx_export.cpp)
//   output  "logits" (N, classes), or "probabilities" (a Softmax over the logits) when asked
//   layers  onnx/onnx_layers.hpp
//   metadata_props  class names and the image preparation (onnx/onnx_metadata.hpp)
//
// The graph is built with ONNX's own protobuf classes, then checked by onnx::checker::check_model
// and strict shape inference, and every layer's inferred shape is compared with cnn's, before a
// byte is returned. This header includes nothing of ONNX.
#pragma once

#include <string>

#include "runtime/model_loader.hpp"

namespace cnn {

struct OnnxExportOptions {
  bool probabilities = false;  // end in Softmax, output "probabilities"
  std::string source_name;     // the model file, for messages and the model's doc string
};

// The serialised ModelProto. Throws cnn::Error(kModel) naming the layer when the model holds a
// layer or option with no ONNX form, kInternal when ONNX's checker or shape inference refuses
// the graph (a bug of the exporter).
std::string export_onnx(LoadedModel& model, const OnnxExportOptions& options);

// Whether layers of this kind ("conv") can be exported (onnx/onnx_layers.hpp has the forms).
bool has_onnx_form(const std::string& kind);

}  // namespace cnn
