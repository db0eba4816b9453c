// OnnxGraph implementation.
#include "onnx/onnx_graph.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace cnn {

std::string OnnxGraph::fresh_name(const std::string& base) {
  if (names_.count(base) == 0) return base;
  for (int i = 2;; ++i) {
    std::string name = fmt::format("{}_{}", base, i);
    if (names_.count(name) == 0) return name;
  }
}

std::string OnnxGraph::take(const std::string& name) {
  CNN_CHECK(names_.insert(name).second, "ONNX export: the tensor name '{}' is used twice", name);
  return name;
}

onnx::NodeProto& OnnxGraph::add_node(const std::string& op, const std::vector<std::string>& inputs, const std::string& output) {
  onnx::NodeProto& node = *graph_->add_node();
  node.set_op_type(op);
  node.set_name(take(output));
  for (const std::string& input : inputs) node.add_input(input);
  node.add_output(output);
  return node;
}

std::string OnnxGraph::add_initializer(const std::string& name, const Tensor& t) {
  onnx::TensorProto& init = *graph_->add_initializer();
  init.set_name(take(fresh_name(name)));
  init.set_data_type(onnx::TensorProto::FLOAT);
  for (int d : t.shape().dims()) init.add_dims(d);
  // float_data rather than raw_data: protobuf writes it little-endian whatever the machine.
  init.mutable_float_data()->Add(t.data(), t.data() + t.size());
  return init.name();
}

namespace {

onnx::TensorProto& new_initializer(onnx::GraphProto* graph, const std::string& name, int type, const std::vector<std::int64_t>& dims) {
  onnx::TensorProto& init = *graph->add_initializer();
  init.set_name(name);
  init.set_data_type(type);
  for (std::int64_t d : dims) init.add_dims(d);
  return init;
}

}  // namespace

std::string OnnxGraph::add_floats(const std::string& name, const std::vector<std::int64_t>& dims, const std::vector<float>& values) {
  onnx::TensorProto& init = new_initializer(graph_, take(fresh_name(name)), onnx::TensorProto::FLOAT, dims);
  init.mutable_float_data()->Add(values.begin(), values.end());
  return init.name();
}

std::string OnnxGraph::add_int8s(const std::string& name, const std::vector<std::int64_t>& dims, const std::vector<std::int8_t>& values) {
  // raw_data: one byte per value (int32_data would take up to five); bytes have no byte order.
  onnx::TensorProto& init = new_initializer(graph_, take(fresh_name(name)), onnx::TensorProto::INT8, dims);
  init.set_raw_data(std::string(values.begin(), values.end()));
  return init.name();
}

std::string OnnxGraph::add_int32s(const std::string& name, const std::vector<std::int64_t>& dims, const std::vector<std::int32_t>& values) {
  // raw_data, four bytes each, little-endian as ONNX defines it whatever the machine (int32_data's
  // varints take ten bytes for a negative number).
  onnx::TensorProto& init = new_initializer(graph_, take(fresh_name(name)), onnx::TensorProto::INT32, dims);
  std::string bytes;
  for (std::int32_t v : values) {
    const auto u = static_cast<std::uint32_t>(v);
    for (int shift = 0; shift < 32; shift += 8) bytes += static_cast<char>((u >> shift) & 0xffu);
  }
  init.set_raw_data(bytes);
  return init.name();
}

std::string OnnxGraph::add_int64s(const std::string& name, const std::vector<std::int64_t>& values) {
  onnx::TensorProto& init = new_initializer(graph_, take(fresh_name(name)), onnx::TensorProto::INT64, {static_cast<std::int64_t>(values.size())});
  init.mutable_int64_data()->Add(values.begin(), values.end());
  return init.name();
}

std::string OnnxGraph::add_scalar(const std::string& name, float value) {
  onnx::TensorProto& init = *graph_->add_initializer();
  init.set_name(take(fresh_name(name)));
  init.set_data_type(onnx::TensorProto::FLOAT);
  init.add_float_data(value);
  return init.name();
}

void OnnxGraph::set_ints(onnx::NodeProto& node, const std::string& name, const std::vector<std::int64_t>& values) {
  onnx::AttributeProto& a = *node.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INTS);
  for (std::int64_t v : values) a.add_ints(v);
}

void OnnxGraph::set_int(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
  onnx::AttributeProto& a = *node.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(value);
}

void OnnxGraph::set_float(onnx::NodeProto& node, const std::string& name, float value) {
  onnx::AttributeProto& a = *node.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOAT);
  a.set_f(value);
}

}  // namespace cnn
