// export_onnx_qdq(): see onnx_qdq.hpp.
#include "onnx/onnx_qdq.hpp"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "onnx/onnx_graph.hpp"
#include "onnx/onnx_layers.hpp"
#include "onnx/onnx_model.hpp"

namespace cnn {
namespace {

using Dims = std::vector<std::int64_t>;

// Padding after an axis that gives `out` windows of `extent` at `stride` with `before` in front.
std::int64_t pad_after(int in, int extent, int stride, int before, int out) {
  return std::max(0, (out - 1) * stride + extent - in - before);
}

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
    const std::string base = model_.net->layer_name(static_cast<std::size_t>(op.layer)) +
                             (op.kind == InferenceOpKind::kElementwise && model_.spec.layers[static_cast<std::size_t>(op.layer)].kind == "conv" ? ".act" : "");
    const std::string x = dequantized_[static_cast<std::size_t>(op.inputs[0])];
    std::string y = g_.fresh_name(base + ".float");
    switch (op.kind) {
      case InferenceOpKind::kConv: {
        const ConvGeometry& c = op.conv;
        const auto [w, b] = weights(op, q, {op.shape[0], c.channels / op.groups, c.kernel_h, c.kernel_w}, base);
        onnx::NodeProto& node = g_.add_node("Conv", {x, w, b}, y);
        OnnxGraph::set_ints(node, "kernel_shape", {c.kernel_h, c.kernel_w});
        OnnxGraph::set_ints(node, "strides", {c.stride_h, c.stride_w});
        OnnxGraph::set_ints(node, "pads", {c.pad_top, c.pad_left, pad_after(c.height, c.extent_h(), c.stride_h, c.pad_top, c.out_h),
                                           pad_after(c.width, c.extent_w(), c.stride_w, c.pad_left, c.out_w)});
        OnnxGraph::set_ints(node, "dilations", {c.dilation_h, c.dilation_w});
        OnnxGraph::set_int(node, "group", op.groups);
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
      case InferenceOpKind::kScaleShift: {  // the quantized factors, dequantized, as the normalisation is written
        const float sx = q_.values[static_cast<std::size_t>(op.inputs[0])].scale;
        std::vector<float> scale, shift;
        for (std::size_t c = 0; c < q.weight.size(); ++c) {
          scale.push_back(static_cast<float>(q.weight[c]) * q.weight_scale[c]);
          shift.push_back(static_cast<float>(static_cast<double>(q.bias[c]) * sx * q.weight_scale[c]));
        }
        const auto n = static_cast<std::int64_t>(scale.size());
        onnx::NodeProto& node = g_.add_node("BatchNormalization",
                                            {x, g_.add_floats(base + ".scale_q", {n}, scale), g_.add_floats(base + ".shift_q", {n}, shift),
                                             g_.add_floats(base + ".mean", {n}, std::vector<float>(scale.size(), 0.0f)),
                                             g_.add_floats(base + ".var", {n}, std::vector<float>(scale.size(), 1.0f))},
                                            y);
        OnnxGraph::set_float(node, "epsilon", 0.0f);
        break;
      }
      case InferenceOpKind::kPool: {
        const PoolWindows& p = op.pool;
        const Shape& in = op.input_shape;
        onnx::NodeProto& node = g_.add_node(p.max ? "MaxPool" : "AveragePool", {x}, y);
        OnnxGraph::set_ints(node, "kernel_shape", {p.kernel_h, p.kernel_w});
        OnnxGraph::set_ints(node, "strides", {p.stride_h, p.stride_w});
        OnnxGraph::set_ints(node, "pads", {p.pad_top, p.pad_left, pad_after(in[1], p.kernel_h, p.stride_h, p.pad_top, op.shape[1]),
                                           pad_after(in[2], p.kernel_w, p.stride_w, p.pad_left, op.shape[2])});
        if (!p.max) OnnxGraph::set_int(node, "count_include_pad", 0);
        break;
      }
      case InferenceOpKind::kGlobalAvgPool:
      case InferenceOpKind::kGlobalMaxPool: {
        const std::string pooled = g_.fresh_name(base + ".pool");
        g_.add_node(op.kind == InferenceOpKind::kGlobalMaxPool ? "GlobalMaxPool" : "GlobalAveragePool", {x}, pooled);
        OnnxGraph::set_int(g_.add_node("Flatten", {pooled}, y), "axis", 1);
        break;
      }
      case InferenceOpKind::kElementwise:
        if (op.function.leaky_relu) {
          OnnxGraph::set_float(g_.add_node("LeakyRelu", {x}, y), "alpha", op.function.slope);
        } else {
          add_activation(g_, op.function.activation, x, y, base);
        }
        break;
      case InferenceOpKind::kAdd: {
        std::string sum = x;
        for (std::size_t i = 1; i < op.inputs.size(); ++i) {
          const std::string next = i + 1 == op.inputs.size() ? y : g_.fresh_name(base + ".sum");
          g_.add_node("Add", {sum, dequantized_[static_cast<std::size_t>(op.inputs[i])]}, next);
          sum = next;
        }
        break;
      }
      case InferenceOpKind::kConcat: {
        std::vector<std::string> parts;
        for (int v : op.inputs) parts.push_back(dequantized_[static_cast<std::size_t>(v)]);
        OnnxGraph::set_int(g_.add_node("Concat", parts, y), "axis", 1);
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
  onnx::ModelProto proto;
  OnnxGraph g(proto.mutable_graph());
  const std::string input = begin_onnx_model(proto, g, model, o.source_name);
  QdqWriter writer(g, model, quantized);
  const std::string output = writer.run(input);
  return finish_onnx_model(proto, g, model, output, o.probabilities, writer.shapes(), o.source_name);
}

}  // namespace cnn
