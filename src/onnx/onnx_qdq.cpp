// export_onnx_qdq(): see onnx_qdq.hpp.
#include "onnx/onnx_qdq.hpp"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "onnx/onnx_graph.hpp"
#include "onnx/onnx_layers.hpp"
#include "onnx/onnx_model.hpp"
#include "onnx/onnx_quantized_ops.hpp"

namespace cnn {
namespace {

using Dims = std::vector<std::int64_t>;

class QdqWriter {
 public:
  QdqWriter(OnnxGraph& g, LoadedModel& model, const QuantizedGraph& q) : g_(g), model_(model), q_(q), graph_(q.graph) {}

  // The dequantized tensor of the network's output.
  std::string run(const std::string& input) {
    dequantized_.assign(graph_.values.size(), "");
    dequantized_[0] = quantize_value(0, input, "input");
    for (std::size_t k = 0; k < graph_.ops.size(); ++k) write_op(k);
    return dequantized_[static_cast<std::size_t>(graph_.output)];
  }
  const std::map<std::string, Shape>& shapes() const { return shapes_; }

 private:
  // QuantizeLinear then DequantizeLinear of float tensor x with value v's scale and zero point.
  std::string quantize_value(int v, const std::string& x, const std::string& base) {
    const QuantParams& p = q_.values[static_cast<std::size_t>(v)];
    const std::string scale = g_.add_floats(base + ".scale", {}, {p.scale});
    const std::string zero = g_.add_int8s(base + ".zero_point", {}, {static_cast<std::int8_t>(p.zero_point)});
    const std::string quantized = g_.fresh_name(base + ".q");
    g_.add_node("QuantizeLinear", {x, scale, zero}, quantized);
    const bool logits = v == graph_.output && graph_.values[static_cast<std::size_t>(v)].rank() == 1;
    const std::string out = logits ? "logits" : g_.fresh_name(base);
    g_.add_node("DequantizeLinear", {quantized, scale, zero}, out);
    if (v > 0) shapes_[out] = graph_.values[static_cast<std::size_t>(v)];
    return out;
  }

  // DequantizeLinear of int8 weights (dims, output channels first) and int32 biases, per output
  // channel (axis 0), zero points 0: stored for the weights (onnxruntime's QGemm wants one per
  // scale), left to DequantizeLinear's default for the biases (four bytes each).
  std::pair<std::string, std::string> weights(const InferenceOp& op, const QuantizedOp& q, const Dims& dims, const std::string& base) {
    const std::size_t outputs = q.weight_scale.size();
    const std::string w = g_.fresh_name(base + ".weight");
    onnx::NodeProto& wn = g_.add_node("DequantizeLinear",
                                      {g_.add_int8s(base + ".weight_q", dims, q.weight),
                                       g_.add_floats(base + ".weight_scale", {static_cast<std::int64_t>(outputs)}, q.weight_scale),
                                       g_.add_int8s(base + ".weight_zero_point", {static_cast<std::int64_t>(outputs)},
                                                    std::vector<std::int8_t>(outputs, 0))},
                                      w);
    OnnxGraph::set_int(wn, "axis", 0);
    const float sx = q_.values[static_cast<std::size_t>(op.inputs[0])].scale;
    std::vector<float> bias_scale;
    for (float s : q.weight_scale) bias_scale.push_back(sx * s);
    const std::string b = g_.fresh_name(base + ".bias");
    onnx::NodeProto& bn = g_.add_node("DequantizeLinear",
                                      {g_.add_int32s(base + ".bias_q", {static_cast<std::int64_t>(outputs)}, q.bias),
                                       g_.add_floats(base + ".bias_scale", {static_cast<std::int64_t>(outputs)}, bias_scale)},
                                      b);
    OnnxGraph::set_int(bn, "axis", 0);
    return {w, b};
  }

  std::string relu_if(bool relu, const std::string& x, const std::string& base) {
    if (!relu) return x;
    const std::string out = g_.fresh_name(base + ".relu");
    g_.add_node("Relu", {x}, out);
    return out;
  }

  void write_op(std::size_t k) {
    const InferenceOp& op = graph_.ops[k];
    const QuantizedOp& q = q_.ops[k];
    const std::string base = quantized_op_name(model_, op);
    const std::string x = dequantized_[static_cast<std::size_t>(op.inputs[0])];
    std::string y = g_.fresh_name(base + ".float");
    switch (op.kind) {
      case InferenceOpKind::kConv: {
        const ConvGeometry& c = op.conv;
        const auto [w, b] = weights(op, q, {op.shape[0], c.channels / op.groups, c.kernel_h, c.kernel_w}, base);
        set_conv_attributes(g_.add_node("Conv", {x, w, b}, y), c, op.groups);
        break;
      }
      case InferenceOpKind::kDense: {
        std::string flat = x;
        if (graph_.values[static_cast<std::size_t>(op.inputs[0])].rank() > 1) {
          flat = g_.fresh_name(base + ".flatten");
          OnnxGraph::set_int(g_.add_node("Flatten", {x}, flat), "axis", 1);
        }
        const auto [w, b] = weights(op, q, {op.shape[0], op.input_shape[0]}, base);
        OnnxGraph::set_int(g_.add_node("Gemm", {flat, w, b}, y), "transB", 1);
        break;
      }
      default: {
        std::vector<std::string> inputs;
        for (int v : op.inputs) inputs.push_back(dequantized_[static_cast<std::size_t>(v)]);
        add_float_op(g_, op, q, q_.values[static_cast<std::size_t>(op.inputs[0])].scale, inputs, y, base, /*keep_4d=*/false);
        break;
      }
    }
    y = relu_if(op.relu, y, base);
    dequantized_[k + 1] = quantize_value(static_cast<int>(k) + 1, y, base);
  }

  OnnxGraph& g_;
  LoadedModel& model_;
  const QuantizedGraph& q_;
  const InferenceGraph& graph_;
  std::vector<std::string> dequantized_;  // per value, its float tensor after Q and DQ
  std::map<std::string, Shape> shapes_;
};

}  // namespace

std::string export_onnx_qdq(LoadedModel& model, const QuantizedGraph& quantized, const OnnxExportOptions& o) {
  return export_quantized_onnx<QdqWriter>(model, quantized, o);
}

}  // namespace cnn
