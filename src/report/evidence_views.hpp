// Pictures of where the network looks (runtime/class_evidence.hpp): a map drawn over the image it
// explains, for `predict --explain` and the report's mistakes.
#pragma once

#include <vector>

#include "core/tensor.hpp"
#include "report/canvas.hpp"

namespace cnn {

// `heat` (H, W), >= 0, over the image (C, H, W) in [0, 1]: the image in gray (or its colours,
// for 3 channels), dimmed, under the map's colour (viridis), whose opacity grows with the value,
// so a cold pixel shows the image and a hot one the colour. Values are scaled to the map's
// `clip_quantile` (1: its maximum; saliency uses 0.99, so that a few pixels do not make the rest
// invisible). `scale` pixels per input pixel.
Canvas evidence_overlay(const float* image, const Shape& chw, const std::vector<float>& heat, int scale,
                        double clip_quantile = 1.0);

}  // namespace cnn
