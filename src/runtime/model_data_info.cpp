// model_data_info(): see model_data_info.hpp.
#include "runtime/model_data_info.hpp"

#include <fmt/format.h>

#include "runtime/network_input.hpp"

namespace cnn {

ModelDataInfo model_data_info(const ModelSpec& spec, const DataDescription& data) {
  ModelDataInfo info;
  info.class_names = data.class_names;
  info.channels = spec.input[0];
  info.normalization = data.normalization;
  info.input = fmt::format("float32 (N, {}, {}, {}), pixels in [0, 1] ({}), 0 = black", spec.input[0], spec.input[1],
                           spec.input[2], spec.input[0] == 1 ? "gray" : "RGB planes");
  if (data.normalization.enabled()) {
    std::string mean, std;
    for (std::size_t c = 0; c < data.normalization.mean.size(); ++c) {
      mean += fmt::format("{}{}", c ? ", " : "", data.normalization.mean[c]);
      std += fmt::format("{}{}", c ? ", " : "", data.normalization.std[c]);
    }
    info.input += fmt::format("; the graph normalises them itself: (x - [{}]) / [{}] per channel", mean, std);
  }
  info.preparation = kPreparationNames.name(data.preparation);
  if (data.preparation == Preparation::kMnistDigit) {
    info.preparation_detail =
        "gray; ink made bright on dark (inverted when the border is light), contrast stretched to [0, 1]; cropped to the "
        "ink; scaled so the longer side is 20 pixels; centred by its centre of mass in 28x28";
    if (spec.input[1] != 28)
      info.preparation_detail += fmt::format("; placed in a {}-pixel zero border ({}x{})", kInputBorder, spec.input[1], spec.input[2]);
  } else {
    info.preparation_detail = fmt::format("converted to {} and resized to {}x{} as cnn's folder loader does (io/resize_prep.hpp)",
                                          spec.input[0] == 1 ? "gray" : "RGB", spec.input[1], spec.input[2]);
  }
  return info;
}

}  // namespace cnn
