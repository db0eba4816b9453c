// `cnn export --int8 --qlinear` to ONNX: the quantized network (quant/quantize.hpp) in ONNX's
// QOperator form, for runtimes that run int8 operators but no QDQ graph (OpenCV 4.6's DNN module,
// Debian's, refuses a DequantizeLinear of constant weights: its importer takes one scale and a
// computed input). The int8 values flow between int8 operators:
//
//   input        QuantizeLinear of the normalised input, (N, D) reshaped to (N, D, 1, 1) first
//   conv         QLinearConv: int8 weights with a scale per output channel, int32 bias at
//                s_x s_w[c]; a fused ReLU is the output's clamp, as its range starts at 0
//   dense        QLinearConv too, its kernel the whole input map (or 1x1 over (N, D, 1, 1)),
//                so that the bias stays in the op and the output is (N, units, 1, 1)
//   max pool     MaxPool on the int8 values (scale and zero point kept)
//   the others   in float between DequantizeLinear and QuantizeLinear (onnx_quantized_ops.hpp)
//   output       DequantizeLinear of the logits, flattened to (N, classes)
//
// Every int8 tensor is named NAME_quantized beside NAME_scale and NAME_zero_point, the names
// onnxruntime's own quantizer gives: OpenCV finds a quantized tensor's scale by them.
#pragma once

#include <string>

#include "onnx/onnx_export.hpp"
#include "quant/quantize.hpp"

namespace cnn {

std::string export_onnx_qlinear(LoadedModel& model, const QuantizedGraph& quantized, const OnnxExportOptions& options);

}  // namespace cnn
