// What every exported ONNX model shares (onnx_export.cpp): the header (IR 7, opset 13, producer),
// the input "input" (N, C, H, W) and the model's normalisation node, and at the end the logits
// (flattened when the network ends in a map), the optional Softmax, the metadata, ONNX's checker
// and shape inference against cnn's shapes, and the bytes. The float export and the QDQ export
// (onnx/onnx_qdq.hpp) fill the graph between the two; export_quantized_onnx() frames both int8 forms.
#pragma once

#include <map>
#include <string>

#include "onnx/onnx_export.hpp"
#include "onnx/onnx_graph.hpp"
#include "quant/quantize.hpp"
#include "runtime/model_loader.hpp"

namespace cnn {

// Returns the tensor the network reads: "input", or "normalized".
std::string begin_onnx_model(onnx::ModelProto& proto, OnnxGraph& g, LoadedModel& model, const std::string& source);

// x: the graph tensor holding the network's output; shapes: tensors whose inferred shape must be
// (N, shape). Returns the serialised model.
std::string finish_onnx_model(onnx::ModelProto& proto, OnnxGraph& g, LoadedModel& model, std::string x, bool probabilities,
                              const std::map<std::string, Shape>& shapes, const std::string& source);

// An int8 export in either form: Writer(g, model, quantized).run(input) writes the network and
// returns the tensor of its output; writer.shapes() are the tensors to check against cnn's shapes.
template <class Writer>
std::string export_quantized_onnx(LoadedModel& model, const QuantizedGraph& quantized, const OnnxExportOptions& o) {
  onnx::ModelProto proto;
  OnnxGraph g(proto.mutable_graph());
  const std::string input = begin_onnx_model(proto, g, model, o.source_name);
  Writer writer(g, model, quantized);
  const std::string output = writer.run(input);
  return finish_onnx_model(proto, g, model, output, o.probabilities, writer.shapes(), o.source_name);
}

}  // namespace cnn
