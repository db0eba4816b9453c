// ModelSpec JSON form and the reference LeNet-5. The JSON is what model files store:
//   {"input": [1, 28, 28], "init": "he_normal", "layers": [
//     {"kind": "conv", "filters": 6, "kernel": [5, 5], "stride": [1, 1], "padding": "same",
//      "pad": [0, 0], "activation": "relu"},
//     {"kind": "pool", "type": "max", "size": [2, 2], "stride": [2, 2]},
//     {"kind": "flatten"}, {"kind": "dense", "units": 120, "activation": "relu"}, ...]}
// Reading treats the JSON as untrusted: every field is type- and range-checked.
#include "net/model_spec.hpp"

#include "core/error.hpp"
#include "net/builder.hpp"

namespace cnn {
namespace {

using nlohmann::json;

constexpr int kMaxDim = 1 << 16;  // a cap on any one size field of an architecture

const char* padding_name(Padding p) {
  return p == Padding::kSame ? "same" : p == Padding::kValid ? "valid" : "explicit";
}

int int_field(const json& j, const char* key, int lo, int hi, const std::string& where) {
  CNN_CHECK_CODE(j.contains(key), ExitCode::kModel, "architecture: {} has no '{}'", where, key);
  const json& v = j.at(key);
  CNN_CHECK_CODE(v.is_number_integer(), ExitCode::kModel, "architecture: {}.{} is not an integer", where, key);
  const auto x = v.get<std::int64_t>();
  CNN_CHECK_CODE(x >= lo && x <= hi, ExitCode::kModel, "architecture: {}.{} = {} is outside [{}, {}]", where, key, x, lo, hi);
  return static_cast<int>(x);
}

std::pair<int, int> pair_field(const json& j, const char* key, int lo, int hi, const std::string& where) {
  CNN_CHECK_CODE(j.contains(key) && j.at(key).is_array() && j.at(key).size() == 2, ExitCode::kModel,
                 "architecture: {}.{} must be a pair of integers", where, key);
  const json wrapped = {{"0", j.at(key)[0]}, {"1", j.at(key)[1]}};
  return {int_field(wrapped, "0", lo, hi, where + "." + key), int_field(wrapped, "1", lo, hi, where + "." + key)};
}

std::string string_field(const json& j, const char* key, const std::string& where) {
  CNN_CHECK_CODE(j.contains(key) && j.at(key).is_string(), ExitCode::kModel, "architecture: {}.{} must be a string",
                 where, key);
  return j.at(key).get<std::string>();
}

Activation activation_field(const json& j, const std::string& where) {
  Activation act = Activation::kNone;
  const std::string name = string_field(j, "activation", where);
  CNN_CHECK_CODE(parse_activation(name, &act), ExitCode::kModel, "architecture: {} has unknown activation '{}'", where, name);
  return act;
}

}  // namespace

json to_json(const ModelSpec& spec) {
  json layers = json::array();
  for (const LayerSpec& l : spec.layers) {
    json j = {{"kind", l.kind}};
    if (l.kind == "conv") {
      j["filters"] = l.conv.filters;
      j["kernel"] = {l.conv.kernel_h, l.conv.kernel_w};
      j["stride"] = {l.conv.stride_h, l.conv.stride_w};
      j["padding"] = padding_name(l.conv.padding);
      j["pad"] = {l.conv.pad_h, l.conv.pad_w};
      j["activation"] = activation_name(l.conv.activation);
    } else if (l.kind == "pool") {
      j["type"] = l.pool.type == PoolType::kMax ? "max" : "avg";
      j["size"] = {l.pool.kernel_h, l.pool.kernel_w};
      j["stride"] = {l.pool.stride_h, l.pool.stride_w};
    } else if (l.kind == "dense") {
      j["units"] = l.dense.units;
      j["activation"] = activation_name(l.dense.activation);
    }
    layers.push_back(j);
  }
  return {{"input", spec.input.dims()}, {"init", init_name(spec.init)}, {"layers", layers}};
}

ModelSpec model_spec_from_json(const json& j) {
  CNN_CHECK_CODE(j.is_object(), ExitCode::kModel, "architecture: not a JSON object");
  ModelSpec spec;
  CNN_CHECK_CODE(j.contains("input") && j["input"].is_array() && j["input"].size() == 3, ExitCode::kModel,
                 "architecture: 'input' must be [channels, height, width]");
  std::vector<int> dims;
  for (std::size_t i = 0; i < 3; ++i) {
    const json wrapped = {{"d", j["input"][i]}};
    dims.push_back(int_field(wrapped, "d", 1, kMaxDim, "input"));
  }
  spec.input = Shape(dims);
  const std::string init = string_field(j, "init", "model");
  CNN_CHECK_CODE(parse_init(init, &spec.init), ExitCode::kModel, "architecture: unknown init '{}'", init);
  CNN_CHECK_CODE(j.contains("layers") && j["layers"].is_array() && !j["layers"].empty(), ExitCode::kModel,
                 "architecture: 'layers' must be a non-empty array");
  CNN_CHECK_CODE(j["layers"].size() <= 1000, ExitCode::kModel, "architecture: {} layers is too many", j["layers"].size());
  for (std::size_t i = 0; i < j["layers"].size(); ++i) {
    const json& lj = j["layers"][i];
    const std::string where = "layer " + std::to_string(i + 1);
    CNN_CHECK_CODE(lj.is_object(), ExitCode::kModel, "architecture: {} is not an object", where);
    LayerSpec l;
    l.kind = string_field(lj, "kind", where);
    CNN_CHECK_CODE(is_known_layer_kind(l.kind), ExitCode::kModel, "architecture: {} has unknown kind '{}'", where, l.kind);
    if (l.kind == "conv") {
      l.conv.filters = int_field(lj, "filters", 1, kMaxDim, where);
      std::tie(l.conv.kernel_h, l.conv.kernel_w) = pair_field(lj, "kernel", 1, kMaxDim, where);
      std::tie(l.conv.stride_h, l.conv.stride_w) = pair_field(lj, "stride", 1, kMaxDim, where);
      std::tie(l.conv.pad_h, l.conv.pad_w) = pair_field(lj, "pad", 0, kMaxDim, where);
      const std::string padding = string_field(lj, "padding", where);
      if (padding == "same") l.conv.padding = Padding::kSame;
      else if (padding == "valid") l.conv.padding = Padding::kValid;
      else if (padding == "explicit") l.conv.padding = Padding::kExplicit;
      else CNN_FAIL(ExitCode::kModel, "architecture: {} has unknown padding '{}'", where, padding);
      l.conv.activation = activation_field(lj, where);
    } else if (l.kind == "pool") {
      const std::string type = string_field(lj, "type", where);
      CNN_CHECK_CODE(type == "max" || type == "avg", ExitCode::kModel, "architecture: {} has unknown pool type '{}'", where, type);
      l.pool.type = type == "max" ? PoolType::kMax : PoolType::kAvg;
      std::tie(l.pool.kernel_h, l.pool.kernel_w) = pair_field(lj, "size", 1, kMaxDim, where);
      std::tie(l.pool.stride_h, l.pool.stride_w) = pair_field(lj, "stride", 1, kMaxDim, where);
    } else if (l.kind == "dense") {
      l.dense.units = int_field(lj, "units", 1, kMaxDim, where);
      l.dense.activation = activation_field(lj, where);
    }
    spec.layers.push_back(l);
  }
  return spec;
}

ModelSpec lenet5_spec() {
  ModelSpec spec;
  spec.input = Shape{1, 28, 28};
  spec.init = Init::kHeNormal;
  auto conv = [](int filters, Padding padding) {
    LayerSpec l;
    l.kind = "conv";
    l.conv = Conv2dConfig{filters, 5, 5, 1, 1, padding, 0, 0, Activation::kRelu};
    return l;
  };
  auto pool = [] {
    LayerSpec l;
    l.kind = "pool";
    l.pool = Pool2dConfig{PoolType::kMax, 2, 2, 2, 2};
    return l;
  };
  auto dense = [](int units, Activation act) {
    LayerSpec l;
    l.kind = "dense";
    l.dense = DenseConfig{units, act};
    return l;
  };
  LayerSpec flatten;
  flatten.kind = "flatten";
  spec.layers = {conv(6, Padding::kSame), pool(), conv(16, Padding::kValid), pool(), flatten,
                 dense(120, Activation::kRelu), dense(84, Activation::kRelu), dense(10, Activation::kNone)};
  return spec;
}

}  // namespace cnn
