// OnnxGraph: a thin writer over ONNX's generated protobuf classes (Debian's libonnx-dev) for the
// exporter: nodes with attributes, float initializers, names unique within the graph. Only
// src/onnx/ includes ONNX's headers; the rest of cnn sees onnx/onnx_export.hpp.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace cnn {

class OnnxGraph {
 public:
  explicit OnnxGraph(onnx::GraphProto* graph) : graph_(graph) {}

  // `base` if no tensor of the graph has that name yet, else `base_2`, `base_3`, ...
  std::string fresh_name(const std::string& base);

  // Records a graph input's name, so that no node or initializer takes it.
  void reserve_name(const std::string& name) { take(name); }
  bool taken(const std::string& name) const { return names_.count(name) != 0; }
  // Appends a node computing `output` (a fresh name, taken by this call) from `inputs`; the node
  // is named after its output. Returns the node for its attributes.
  onnx::NodeProto& add_node(const std::string& op, const std::vector<std::string>& inputs, const std::string& output);
  // A float initializer with `t`'s values and shape, under a fresh name; returns the name.
  std::string add_initializer(const std::string& name, const Tensor& t);
  // Initializers of any shape (empty dims: a scalar) from values: float, int8 (a QDQ model's
  // weights and zero points) and int32 (its biases).
  std::string add_floats(const std::string& name, const std::vector<std::int64_t>& dims, const std::vector<float>& values);
  std::string add_int8s(const std::string& name, const std::vector<std::int64_t>& dims, const std::vector<std::int8_t>& values);
  std::string add_int32s(const std::string& name, const std::vector<std::int64_t>& dims, const std::vector<std::int32_t>& values);
  // int64 (a Reshape's target shape).
  std::string add_int64s(const std::string& name, const std::vector<std::int64_t>& values);
  // A float scalar initializer (shape ()), for Mul by a constant.
  std::string add_scalar(const std::string& name, float value);

  static void set_ints(onnx::NodeProto& node, const std::string& name, const std::vector<std::int64_t>& values);
  static void set_int(onnx::NodeProto& node, const std::string& name, std::int64_t value);
  static void set_float(onnx::NodeProto& node, const std::string& name, float value);

 private:
  std::string take(const std::string& name);  // records a name as used; fails if it was

  onnx::GraphProto* graph_;
  std::set<std::string> names_;
};

}  // namespace cnn
