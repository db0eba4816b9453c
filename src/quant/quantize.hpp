// Post-training int8 quantization of an inference graph (quant/inference_graph.hpp), the
// TFLite / CMSIS-NN scheme:
//
//   weights      int8, symmetric, one scale per output channel: s_w = max |w| / 127, zero point 0
//   values       int8 with a scale and zero point from the range seen on the calibration images
//                (min and max, widened to hold 0 so that zero padding is exact): s = (max - min) / 255
//   biases       int32 at the accumulator's scale s_x s_w
//   conv, dense  int32 accumulation of (x - z_x) w + b, then z_y + round(acc s_x s_w / s_y) in fixed
//                point (quant/fixed_point.hpp), clamped to [-128, 127] ([z_y, 127] with a fused ReLU)
//   pools        on the int8 values, scale and zero point kept (the mean rounded, halves away from 0)
//   activations  a 256-entry table from input value to output value, computed in float here
//   add, concat  each input rescaled to the output's scale in 64-bit fixed point
//   input        a table per channel from the pixel (0-255) to the int8 input: the model's
//                normalisation and the input's quantization in one lookup, no float in the network
//   output       int8 logits; the class is the first largest, the probabilities come from a
//                table of e^(-s_y d) for d = 0..255 (no exp needed)
#pragma once

#include <cstdint>
#include <vector>

#include "quant/fixed_point.hpp"
#include "quant/inference_graph.hpp"

namespace cnn {

struct QuantParams {
  float scale = 1.0f;
  int zero_point = 0;  // in [-128, 127]
  float real(int q) const { return scale * static_cast<float>(q - zero_point); }
};

struct QuantizedOp {
  std::vector<std::int8_t> weight;              // conv, dense, scale_shift: the layout of the float op's
  std::vector<float> weight_scale;              // per output channel
  std::vector<std::int32_t> bias;               // per output channel, at s_x s_w[c]
  std::vector<FixedMultiplier> requantize;      // per output channel: s_x s_w[c] / s_y
  int low = -128;                               // the output's floor: its zero point with a fused ReLU
  std::vector<std::int8_t> table;               // elementwise: output for input q at table[q + 128]
  SharedShiftMultipliers rescale;               // add, concat: s_x[k] / s_y per input
};

struct QuantizedGraph {
  InferenceGraph graph;
  std::vector<QuantParams> values;       // one per value of the graph
  std::vector<QuantizedOp> ops;          // one per op
  std::vector<std::int8_t> input_table;  // (C, 256): value 0 for pixel p of channel c at [c * 256 + p]
  std::vector<float> output_exp;         // 256: e^(-s_y d), the probabilities' numerators
  int calibration_images = 0;
};

// The float values of every graph value over the calibration images: [min, max] per value.
struct ValueRanges {
  std::vector<float> min, max;
};
// images: (count, C, H, W) (or (count, D)), normalised as the network takes them.
ValueRanges calibrate(const InferenceGraph& graph, const std::vector<float>& images, int count);

// kModel errors when a weight, bias or factor does not fit int8 arithmetic (a hostile or broken model).
QuantizedGraph quantize(InferenceGraph graph, const ValueRanges& ranges, int calibration_images);

// Pixel p (0-255) of an image as the network takes it before normalisation: round(v 255) of a
// value v in [0, 1], clamped. What NAME_predict does to its float input in the int8 C export.
std::uint8_t pixel_of(float v);

}  // namespace cnn
