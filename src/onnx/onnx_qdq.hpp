// `cnn export --int8` to ONNX: the quantized network (quant/quantize.hpp) as a QDQ model, the form
// onnxruntime's and other runtimes' int8 kernels take: every value of the network is
// QuantizeLinear then DequantizeLinear with its scale and zero point, between float ops; each
// conv's and dense layer's weights are stored as int8 (DequantizeLinear with a scale per output
// channel, axis 0) and its bias as int32 at the accumulator's scale; batch norm is folded in (or
// a BatchNormalization of the quantized factors), ReLU applied before the output's
// QuantizeLinear. The input, normalisation, metadata and output are the float export's
// (onnx/onnx_model.hpp).
#pragma once

#include <string>

#include "onnx/onnx_export.hpp"
#include "quant/quantize.hpp"

namespace cnn {

std::string export_onnx_qdq(LoadedModel& model, const QuantizedGraph& quantized, const OnnxExportOptions& options);

}  // namespace cnn
