// The quantized graph (quant/quantize.hpp) run in integers on one image, as the generated int8 C
// runs it, bit for bit (tests/c_export/check_c_export.py compares their classes on every image):
// what `cnn export --int8` measures the quantized network's accuracy with.
#pragma once

#include <cstdint>
#include <vector>

#include "quant/quantize.hpp"

namespace cnn {

// values[k] becomes value k; pixels: the (C, H, W) image as 0-255 (quantize.hpp's pixel_of).
// Returns the class: the first largest logit.
int run_int8(const QuantizedGraph& q, const std::uint8_t* pixels, std::vector<std::vector<std::int8_t>>& values);

}  // namespace cnn
