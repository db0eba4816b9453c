// What the two int8 ONNX forms share (onnx/onnx_qdq.hpp, onnx/onnx_qlinear.hpp): a conv's and a
// pool's attributes from the inference graph's geometry, and the ops both write in float between
// a DequantizeLinear and a QuantizeLinear: an unfolded batch norm (the quantized factors,
// dequantized), pools in the QDQ form, global pools, activations, add and concat.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "onnx/onnx_graph.hpp"
#include "quant/quantize.hpp"
#include "runtime/model_loader.hpp"

namespace cnn {

// The name an op's tensors are given: its layer's ("conv1"), "conv1.act" for a conv's own
// activation when that is an op of its own.
std::string quantized_op_name(const LoadedModel& model, const InferenceOp& op);

// kernel_shape, strides, pads (ONNX's: before, then after each axis), dilations and group.
void set_conv_attributes(onnx::NodeProto& node, const ConvGeometry& c, int groups);
// kernel_shape, strides and pads of a pool over an input of shape `in` (C, H, W) to `out`.
void set_pool_attributes(onnx::NodeProto& node, const PoolWindows& p, const Shape& in, const Shape& out);

// Writes op (neither conv nor dense) in float: inputs are the dequantized tensors of op.inputs,
// y the float output to compute, input_scale the scale of op.inputs[0] (a scale_shift's bias is
// at input_scale weight_scale[c]). keep_4d: a global pool's output stays (N, C, 1, 1) instead of
// being flattened to cnn's (N, C).
void add_float_op(OnnxGraph& g, const InferenceOp& op, const QuantizedOp& q, float input_scale, const std::vector<std::string>& inputs,
                  const std::string& y, const std::string& base, bool keep_4d);

}  // namespace cnn
