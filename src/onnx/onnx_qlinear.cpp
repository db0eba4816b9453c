// export_onnx_qlinear(): see onnx_qlinear.hpp.
#include "onnx/onnx_qlinear.hpp"

#include <onnx/onnx_pb.h>

#include <map>

#include "core/error.hpp"
#include "onnx/onnx_graph.hpp"
#include "onnx/onnx_model.hpp"
#include "onnx/onnx_quantized_ops.hpp"

namespace cnn {
namespace {

using Dims = std::vector<std::int64_t>;

class QlinearWriter {
 public:
  QlinearWriter(OnnxGraph& g, LoadedModel& model, const QuantizedGraph& q) : g_(g), model_(model), q_(q), graph_(q.graph) {}

  // The dequantized tensor of the network's output.
  std::string run(std::string input) {
    const std::size_t values = graph_.values.size();
    base_.assign(values, "");
    dequantized_.assign(values, "");
    if (graph_.values[0].rank() == 1) {  // a vector input: every vector is (N, D, 1, 1) here, for QLinearConv
      const std::string wide = g_.fresh_name("input_4d");
      g_.add_node("Reshape", {input, g_.add_int64s("input_4d.shape", {0, -1, 1, 1})}, wide);
      input = wide;
    }
    quantize(0, input, "input");
    for (std::size_t k = 0; k < graph_.ops.size(); ++k) write_op(k);
    return dequantize(graph_.output);
  }
  const std::map<std::string, Shape>& shapes() const { return shapes_; }

 private:
  std::string quantized(int v) const { return base_[static_cast<std::size_t>(v)] + "_quantized"; }
  std::string scale(int v) const { return base_[static_cast<std::size_t>(v)] + "_scale"; }
  std::string zero_point(int v) const { return base_[static_cast<std::size_t>(v)] + "_zero_point"; }
  const QuantParams& param(int v) const { return q_.values[static_cast<std::size_t>(v)]; }

  // Gives value v its names (wanted, or wanted_2, ... where one of them is taken) and its scale and
  // zero point as initializers of exactly those names.
  void name_value(int v, const std::string& wanted) {
    std::string base = wanted;
    for (int i = 2; g_.taken(base + "_quantized") || g_.taken(base + "_scale") || g_.taken(base + "_zero_point"); ++i)
      base = wanted + "_" + std::to_string(i);
    base_[static_cast<std::size_t>(v)] = base;
    g_.add_floats(scale(v), {}, {param(v).scale});
    g_.add_int8s(zero_point(v), {}, {static_cast<std::int8_t>(param(v).zero_point)});
  }

  void quantize(int v, const std::string& x, const std::string& base) {
    name_value(v, base);
    g_.add_node("QuantizeLinear", {x, scale(v), zero_point(v)}, quantized(v));
  }

  // Value v in float, made once.
  std::string dequantize(int v) {
    std::string& out = dequantized_[static_cast<std::size_t>(v)];
    if (!out.empty()) return out;
    out = g_.fresh_name(base_[static_cast<std::size_t>(v)] + "_float");
    g_.add_node("DequantizeLinear", {quantized(v), scale(v), zero_point(v)}, out);
    const Shape& shape = graph_.values[static_cast<std::size_t>(v)];
    if (v > 0 && shape.rank() == 3) shapes_[out] = shape;  // vectors are (N, D, 1, 1) here, not cnn's (N, D)
    return out;
  }

  // conv and dense: QLinearConv from value op.inputs[0] to value k + 1. dims: the weights'.
  void write_qlinear_conv(std::size_t k, const Dims& dims, const ConvGeometry& geometry, int groups, const std::string& base) {
    const InferenceOp& op = graph_.ops[k];
    const QuantizedOp& q = q_.ops[k];
    const int x = op.inputs[0], y = static_cast<int>(k) + 1;
    // The op clamps to [-128, 127]; a fused ReLU clamps at the zero point, which is -128 because
    // the output's range starts at 0 (quantize.cpp): the same clamp.
    CNN_CHECK(q.low == -128, "{}: a fused ReLU whose output's zero point is {}, not -128", op.name, q.low);
    const auto outputs = static_cast<std::int64_t>(q.weight_scale.size());
    const std::string w = g_.add_int8s(base + ".weight_q", dims, q.weight);
    const std::string w_scale = g_.add_floats(base + ".weight_scale", {outputs}, q.weight_scale);
    const std::string w_zero = g_.add_int8s(base + ".weight_zero_point", {outputs}, std::vector<std::int8_t>(q.weight_scale.size(), 0));
    const std::string bias = g_.add_int32s(base + ".bias_q", {outputs}, q.bias);
    const std::string input = quantized(x), input_scale = scale(x), input_zero = zero_point(x);
    name_value(y, base);
    onnx::NodeProto& node = g_.add_node("QLinearConv", {input, input_scale, input_zero, w, w_scale, w_zero, scale(y), zero_point(y), bias},
                                        quantized(y));
    set_conv_attributes(node, geometry, groups);
  }

  // A dense layer as a convolution whose kernel covers its whole input: (C, H, W) maps, or the
  // (N, D, 1, 1) form of a vector. cnn flattens (C, H, W) in that order, as the weights' rows are.
  ConvGeometry dense_geometry(const InferenceOp& op) const {
    const Shape& in = graph_.values[static_cast<std::size_t>(op.inputs[0])];
    ConvGeometry c;
    c.channels = in[0];
    c.height = c.kernel_h = in.rank() == 3 ? in[1] : 1;
    c.width = c.kernel_w = in.rank() == 3 ? in[2] : 1;
    c.out_h = c.out_w = 1;
    return c;
  }

  void write_op(std::size_t k) {
    const InferenceOp& op = graph_.ops[k];
    const std::string base = quantized_op_name(model_, op);
    const int y = static_cast<int>(k) + 1;
    if (op.kind == InferenceOpKind::kConv) {
      const ConvGeometry& c = op.conv;
      write_qlinear_conv(k, {op.shape[0], c.channels / op.groups, c.kernel_h, c.kernel_w}, c, op.groups, base);
      return;
    }
    if (op.kind == InferenceOpKind::kDense) {
      const ConvGeometry c = dense_geometry(op);
      write_qlinear_conv(k, {op.shape[0], c.channels, c.kernel_h, c.kernel_w}, c, 1, base);
      return;
    }
    if (op.kind == InferenceOpKind::kPool && op.pool.max) {  // the largest int8 value is the largest value
      const int x = op.inputs[0];
      CNN_CHECK(param(x).scale == param(y).scale && param(x).zero_point == param(y).zero_point,
                "{}: a max pool whose output is quantized unlike its input", op.name);
      const std::string input = quantized(x);
      name_value(y, base);
      set_pool_attributes(g_.add_node("MaxPool", {input}, quantized(y)), op.pool, op.input_shape, op.shape);
      return;
    }
    std::vector<std::string> inputs;
    for (int v : op.inputs) inputs.push_back(dequantize(v));
    std::string out = g_.fresh_name(base + ".float");
    add_float_op(g_, op, q_.ops[k], param(op.inputs[0]).scale, inputs, out, base, /*keep_4d=*/true);
    if (op.relu) {
      const std::string relu = g_.fresh_name(base + ".relu");
      g_.add_node("Relu", {out}, relu);
      out = relu;
    }
    quantize(y, out, base);
  }

  OnnxGraph& g_;
  LoadedModel& model_;
  const QuantizedGraph& q_;
  const InferenceGraph& graph_;
  std::vector<std::string> base_;         // per value: the stem of its _quantized, _scale and _zero_point
  std::vector<std::string> dequantized_;  // per value: its DequantizeLinear, once made
  std::map<std::string, Shape> shapes_;
};

}  // namespace

std::string export_onnx_qlinear(LoadedModel& model, const QuantizedGraph& quantized, const OnnxExportOptions& o) {
  return export_quantized_onnx<QlinearWriter>(model, quantized, o);
}

}  // namespace cnn
