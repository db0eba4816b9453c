// Reading a model file into a network; see model_loader.hpp.
#include "runtime/model_loader.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "net/builder.hpp"

namespace cnn {

using nlohmann::json;

namespace {

LoadedModel model_from_contents(ModelFileContents contents, const std::string& path) {
  LoadedModel m;
  m.contents = std::move(contents);
  const json& h = m.contents.header;
  // Compared as JSON values: json::value("format", "") would throw a type error for a non-string.
  CNN_CHECK_CODE(h.is_object() && h.contains("format") && h["format"] == "cnn-model", ExitCode::kModel,
                 "{}: the header does not describe a cnn model", path);
  CNN_CHECK_CODE(h.contains("architecture"), ExitCode::kModel, "{}: the header has no architecture", path);
  try {
    m.spec = model_spec_from_json(h["architecture"]);
    m.net = build_net(m.spec);
  } catch (const Error& e) {
    CNN_FAIL(ExitCode::kModel, "{}: invalid architecture: {}", path, e.what());
  }
  if (h.contains("config") && h["config"].is_string()) m.config_text = h["config"].get<std::string>();
  if (h.contains("settings")) m.settings = h["settings"];
  // The data description, checked against the network it feeds.
  const Shape& out = m.net->output_shape();
  const int outputs = static_cast<int>(out.numel());
  if (h.contains("data")) {
    m.data = data_description_from_json(h["data"], path);
    CNN_CHECK_CODE(m.data.classes() == outputs, ExitCode::kModel,
                   "{}: header data names {} classes but the network has {} outputs", path, m.data.classes(), outputs);
    CNN_CHECK_CODE(m.data.channels == m.spec.input[0], ExitCode::kModel,
                   "{}: header data says {} channels but the network's input is {}", path, m.data.channels, m.spec.input.str());
  } else {
    m.data = legacy_data_description(outputs, m.spec.input[0]);
  }
  std::vector<Param> expected = m.net->params();
  for (const Param& s : m.net->state()) expected.push_back(s);
  const std::size_t expected_params = expected.size();
  for (const Param& p : expected) {
    const Tensor* t = m.contents.find(p.name);
    CNN_CHECK_CODE(t != nullptr, ExitCode::kModel, "{}: tensor '{}' required by the architecture is missing", path, p.name);
    CNN_CHECK_CODE(t->shape() == p.value->shape(), ExitCode::kModel,
                   "{}: tensor '{}' has shape {} but the architecture needs {}", path, p.name, t->shape().str(),
                   p.value->shape().str());
    for (std::size_t i = 0; i < t->size(); ++i)
      CNN_CHECK_CODE(std::isfinite((*t)[i]), ExitCode::kModel, "{}: tensor '{}' holds a non-finite value at index {}", path,
                     p.name, i);
    *p.value = *t;
  }
  const std::size_t state_tensors = m.contents.tensors.size() - std::min(m.contents.tensors.size(), expected_params);
  CNN_CHECK_CODE(m.has_training_state() || state_tensors == 0, ExitCode::kModel,
                 "{}: {} tensors that the architecture does not have", path, state_tensors);
  return m;
}

}  // namespace

LoadedModel load_model(const std::string& path) { return model_from_contents(load_model_file(path), path); }

LoadedModel load_model_from_bytes(const std::string& bytes, const std::string& name) {
  return model_from_contents(decode_model_file(bytes, name), name);
}

}  // namespace cnn
