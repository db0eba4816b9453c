// model_data_info(): see model_data_info.hpp.
#include "train/model_data_info.hpp"

#include <fmt/format.h>

#include "train/batch.hpp"

namespace cnn {

ModelDataInfo model_data_info(const ModelSpec& spec, int classes, [[maybe_unused]] const nlohmann::json& header) {
  ModelDataInfo info;
  for (int c = 0; c < classes; ++c) info.class_names.push_back(std::to_string(c));
  info.channels = spec.input[0];
  info.input = fmt::format("float32 (N, {}, {}, {}), pixels in [0, 1], 0 = background, 1 = ink; no further normalisation",
                           spec.input[0], spec.input[1], spec.input[2]);
  if (spec.input[0] == 1 && images_fit(28, 28, spec.input)) {
    info.preparation = "mnist_digit";
    info.preparation_detail =
        "gray; ink made bright on dark (inverted when the border is light), contrast stretched to [0, 1]; cropped to the "
        "ink; scaled so the longer side is 20 pixels; centred by its centre of mass in 28x28";
    if (spec.input[1] != 28)
      info.preparation_detail += fmt::format("; placed in a {}-pixel zero border ({}x{})", kInputBorder, spec.input[1], spec.input[2]);
  } else {
    info.preparation = "none";
    info.preparation_detail = fmt::format("images must already be {}x{} with {} channel(s), scaled to [0, 1]",
                                          spec.input[1], spec.input[2], spec.input[0]);
  }
  return info;
}

}  // namespace cnn
