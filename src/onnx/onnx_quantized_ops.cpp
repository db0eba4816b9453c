// The int8 ONNX forms' shared ops: see onnx_quantized_ops.hpp.
#include "onnx/onnx_quantized_ops.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "onnx/onnx_layers.hpp"

namespace cnn {
namespace {

// Padding after an axis that gives `out` windows of `extent` at `stride` with `before` in front.
std::int64_t pad_after(int in, int extent, int stride, int before, int out) {
  return std::max(0, (out - 1) * stride + extent - in - before);
}

}  // namespace

std::string quantized_op_name(const LoadedModel& model, const InferenceOp& op) {
  const auto layer = static_cast<std::size_t>(op.layer);
  const bool conv_activation = op.kind == InferenceOpKind::kElementwise && model.spec.layers[layer].kind == "conv";
  return model.net->layer_name(layer) + (conv_activation ? ".act" : "");
}

void set_conv_attributes(onnx::NodeProto& node, const ConvGeometry& c, int groups) {
  OnnxGraph::set_ints(node, "kernel_shape", {c.kernel_h, c.kernel_w});
  OnnxGraph::set_ints(node, "strides", {c.stride_h, c.stride_w});
  OnnxGraph::set_ints(node, "pads", {c.pad_top, c.pad_left, pad_after(c.height, c.extent_h(), c.stride_h, c.pad_top, c.out_h),
                                     pad_after(c.width, c.extent_w(), c.stride_w, c.pad_left, c.out_w)});
  OnnxGraph::set_ints(node, "dilations", {c.dilation_h, c.dilation_w});
  OnnxGraph::set_int(node, "group", groups);
}

void set_pool_attributes(onnx::NodeProto& node, const PoolWindows& p, const Shape& in, const Shape& out) {
  OnnxGraph::set_ints(node, "kernel_shape", {p.kernel_h, p.kernel_w});
  OnnxGraph::set_ints(node, "strides", {p.stride_h, p.stride_w});
  OnnxGraph::set_ints(node, "pads", {p.pad_top, p.pad_left, pad_after(in[1], p.kernel_h, p.stride_h, p.pad_top, out[1]),
                                     pad_after(in[2], p.kernel_w, p.stride_w, p.pad_left, out[2])});
}

void add_float_op(OnnxGraph& g, const InferenceOp& op, const QuantizedOp& q, float input_scale, const std::vector<std::string>& inputs,
                  const std::string& y, const std::string& base, bool keep_4d) {
  const std::string& x = inputs[0];
  switch (op.kind) {
    case InferenceOpKind::kScaleShift: {  // the quantized factors, dequantized, as the normalisation is written
      std::vector<float> scale, shift;
      for (std::size_t c = 0; c < q.weight.size(); ++c) {
        scale.push_back(static_cast<float>(q.weight[c]) * q.weight_scale[c]);
        shift.push_back(static_cast<float>(static_cast<double>(q.bias[c]) * input_scale * q.weight_scale[c]));
      }
      const auto n = static_cast<std::int64_t>(scale.size());
      onnx::NodeProto& node = g.add_node("BatchNormalization",
                                         {x, g.add_floats(base + ".scale_q", {n}, scale), g.add_floats(base + ".shift_q", {n}, shift),
                                          g.add_floats(base + ".mean", {n}, std::vector<float>(scale.size(), 0.0f)),
                                          g.add_floats(base + ".var", {n}, std::vector<float>(scale.size(), 1.0f))},
                                         y);
      OnnxGraph::set_float(node, "epsilon", 0.0f);
      return;
    }
    case InferenceOpKind::kPool: {
      onnx::NodeProto& node = g.add_node(op.pool.max ? "MaxPool" : "AveragePool", {x}, y);
      set_pool_attributes(node, op.pool, op.input_shape, op.shape);
      if (!op.pool.max) OnnxGraph::set_int(node, "count_include_pad", 0);
      return;
    }
    case InferenceOpKind::kGlobalAvgPool:
    case InferenceOpKind::kGlobalMaxPool: {
      const char* kind = op.kind == InferenceOpKind::kGlobalMaxPool ? "GlobalMaxPool" : "GlobalAveragePool";
      if (keep_4d) {
        g.add_node(kind, {x}, y);
        return;
      }
      const std::string pooled = g.fresh_name(base + ".pool");
      g.add_node(kind, {x}, pooled);
      OnnxGraph::set_int(g.add_node("Flatten", {pooled}, y), "axis", 1);
      return;
    }
    case InferenceOpKind::kElementwise:
      if (op.function.leaky_relu) {
        OnnxGraph::set_float(g.add_node("LeakyRelu", {x}, y), "alpha", op.function.slope);
      } else {
        add_activation(g, op.function.activation, x, y, base);
      }
      return;
    case InferenceOpKind::kAdd: {
      std::string sum = x;
      for (std::size_t i = 1; i < inputs.size(); ++i) {
        const std::string next = i + 1 == inputs.size() ? y : g.fresh_name(base + ".sum");
        g.add_node("Add", {sum, inputs[i]}, next);
        sum = next;
      }
      return;
    }
    case InferenceOpKind::kConcat:
      OnnxGraph::set_int(g.add_node("Concat", inputs, y), "axis", 1);
      return;
    case InferenceOpKind::kConv:
    case InferenceOpKind::kDense:
      break;
  }
  CNN_FAIL(ExitCode::kInternal, "{}: a conv or dense layer has no float form among the int8 ops", op.name);
}

}  // namespace cnn
