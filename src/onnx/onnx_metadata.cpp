// add_onnx_metadata(): see onnx_metadata.hpp.
#include "onnx/onnx_metadata.hpp"

#include <nlohmann/json.hpp>

namespace cnn {

void add_onnx_metadata(onnx::ModelProto& model, const ModelDataInfo& data, bool probabilities) {
  const auto add = [&](const std::string& key, const std::string& value) {
    onnx::StringStringEntryProto& entry = *model.add_metadata_props();
    entry.set_key(key);
    entry.set_value(value);
  };
  add("class_names", nlohmann::json(data.class_names).dump());
  add("input", data.input);
  add("preparation", data.preparation);
  add("preparation_detail", data.preparation_detail);
  add("output", probabilities ? "probabilities: softmax of the logits, one per class in class_names order"
                              : "logits: one per class in class_names order; their softmax is the probabilities");
}

}  // namespace cnn
