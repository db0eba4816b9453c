// The inference graph (quant/inference_graph.hpp) run in float on one image, every value kept:
// what int8 calibration measures the ranges of. Its logits agree with `cnn predict`'s to float
// rounding (sums in another order), which tests/test_quantize.cpp holds it to.
#pragma once

#include <vector>

#include "quant/inference_graph.hpp"

namespace cnn {

// values[k] becomes value k (values[0] a copy of `input`, the normalised image).
void run_inference(const InferenceGraph& graph, const float* input, std::vector<std::vector<float>>& values);

}  // namespace cnn
