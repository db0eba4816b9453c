// The ONNX form of each layer kind; see onnx_layers.hpp.
#include "onnx/onnx_layers.hpp"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "layers/activation_layer.hpp"
#include "ops/activation.hpp"

namespace cnn {
namespace {

// A layer option that would change what the layer computes, but that this exporter does not know,
// must stop the export rather than be dropped: a newer model file, or a kind that grew an option.
void allow_only(const LayerExportContext& c, std::initializer_list<const char*> keys) {
  // A plain variable, not a structured binding: C++17 lets a lambda capture only variables (clang
  // refuses a captured binding; GCC accepts it as an extension).
  for (const auto& item : c.options.items()) {
    const std::string& key = item.key();
    CNN_CHECK_CODE(std::find_if(keys.begin(), keys.end(), [&](const char* k) { return key == k; }) != keys.end(),
                   ExitCode::kModel, "{}: its option '{}' has no ONNX form in this version of cnn", c.name, key);
  }
}

std::pair<int, int> int_pair(const LayerExportContext& c, const char* key) {
  const nlohmann::json& v = c.options.at(key);
  return {v.at(0).get<int>(), v.at(1).get<int>()};
}

const Tensor& param(const LayerExportContext& c, const std::string& local_name) {
  for (const Param& p : c.layer.params())
    if (p.name == local_name) return *p.value;
  for (const Param& p : c.layer.state())
    if (p.name == local_name) return *p.value;
  CNN_FAIL(ExitCode::kInternal, "{}: no tensor '{}'", c.name, local_name);
}

std::string add_param(OnnxGraph& g, const LayerExportContext& c, const std::string& local_name) {
  return g.add_initializer(c.name + "." + local_name, param(c, local_name));
}

// Padding along one axis, before and after, for an output of `out` positions: valid pads nothing
// (a remainder that fits no window is dropped, as ONNX's floor also drops it), same follows
// TensorFlow (the odd extra row/column after), explicit pads `pad` on both sides.
std::pair<std::int64_t, std::int64_t> axis_pads(const std::string& padding, int in, int kernel, int stride, int pad, int out) {
  if (padding == "explicit") return {pad, pad};
  if (padding == "same") {
    const int total = std::max((out - 1) * stride + kernel - in, 0);
    return {total / 2, total - total / 2};
  }
  return {0, 0};
}

}  // namespace

// Appends `activation` of x as nodes ending in `output`.
void add_activation(OnnxGraph& g, Activation activation, const std::string& x, const std::string& output, const std::string& base) {
  switch (activation) {
    case Activation::kNone:
      g.add_node("Identity", {x}, output);
      return;
    case Activation::kRelu:
      g.add_node("Relu", {x}, output);
      return;
    case Activation::kTanh:
      g.add_node("Tanh", {x}, output);
      return;
    case Activation::kSigmoid:
      g.add_node("Sigmoid", {x}, output);
      return;
    case Activation::kScaledTanh: {
      // A tanh(B x) as cnn computes it (ops/activation.hpp): the same two float products.
      const std::string scaled = g.fresh_name(base + ".scaled_in");
      g.add_node("Mul", {x, g.add_scalar(base + ".B", kScaledTanhB)}, scaled);
      const std::string tanh = g.fresh_name(base + ".tanh");
      g.add_node("Tanh", {scaled}, tanh);
      g.add_node("Mul", {tanh, g.add_scalar(base + ".A", kScaledTanhA)}, output);
      return;
    }
    case Activation::kSilu: {
      // x sigmoid(x), as torch.onnx.export writes nn.SiLU.
      const std::string sigmoid = g.fresh_name(base + ".sigmoid");
      g.add_node("Sigmoid", {x}, sigmoid);
      g.add_node("Mul", {x, sigmoid}, output);
      return;
    }
    case Activation::kGelu: {
      // (x (erf(x / √2) + 1)) 0.5: opset 13 has no Gelu; torch.onnx.export's nodes for nn.GELU.
      const std::string scaled = g.fresh_name(base + ".div_sqrt2");
      g.add_node("Div", {x, g.add_scalar(base + ".sqrt2", kSqrt2)}, scaled);
      const std::string erf = g.fresh_name(base + ".erf");
      g.add_node("Erf", {scaled}, erf);
      const std::string plus_one = g.fresh_name(base + ".erf_plus_1");
      g.add_node("Add", {erf, g.add_scalar(base + ".one", 1.0f)}, plus_one);
      const std::string times_x = g.fresh_name(base + ".times_x");
      g.add_node("Mul", {x, plus_one}, times_x);
      g.add_node("Mul", {times_x, g.add_scalar(base + ".half", 0.5f)}, output);
      return;
    }
    case Activation::kGeluTanh: {
      // (x (tanh(β (x + κ x (x x))) + 1)) 0.5, the products in cnn's order (ops/activation.hpp).
      const std::string square = g.fresh_name(base + ".square");
      g.add_node("Mul", {x, x}, square);
      const std::string cube = g.fresh_name(base + ".cube");
      g.add_node("Mul", {x, square}, cube);
      const std::string kappa_cube = g.fresh_name(base + ".kappa_cube");
      g.add_node("Mul", {cube, g.add_scalar(base + ".kappa", kGeluTanhKappa)}, kappa_cube);
      const std::string sum = g.fresh_name(base + ".inner_sum");
      g.add_node("Add", {x, kappa_cube}, sum);
      const std::string inner = g.fresh_name(base + ".inner");
      g.add_node("Mul", {sum, g.add_scalar(base + ".beta", kGeluTanhBeta)}, inner);
      const std::string tanh = g.fresh_name(base + ".tanh");
      g.add_node("Tanh", {inner}, tanh);
      const std::string plus_one = g.fresh_name(base + ".tanh_plus_1");
      g.add_node("Add", {tanh, g.add_scalar(base + ".one", 1.0f)}, plus_one);
      const std::string times_x = g.fresh_name(base + ".times_x");
      g.add_node("Mul", {x, plus_one}, times_x);
      g.add_node("Mul", {times_x, g.add_scalar(base + ".half", 0.5f)}, output);
      return;
    }
  }
  CNN_FAIL(ExitCode::kInternal, "{}: unknown activation", base);
}

namespace {

Activation activation_option(const LayerExportContext& c) {
  Activation activation = Activation::kNone;
  const std::string name = c.options.value("activation", "none");
  CNN_CHECK_CODE(kActivationNames.parse(name, &activation), ExitCode::kModel, "{}: activation '{}' has no ONNX form", c.name, name);
  return activation;
}

// A node whose result is the layer's output unless an activation follows: then it goes to a
// tensor of its own and the activation produces the output.
std::string pre_activation_name(OnnxGraph& g, const LayerExportContext& c, Activation activation, const char* suffix) {
  return activation == Activation::kNone ? c.output : g.fresh_name(c.name + suffix);
}

// ONNX's Conv is PyTorch's: group and dilations mean what cnn's groups and dilation mean, and the
// bias is an optional input, left out for a bias-free layer. Same padding is computed with the
// dilated kernel's extent, as cnn's setup does.
void export_conv(OnnxGraph& g, const LayerExportContext& c) {
  allow_only(c, {"filters", "kernel", "stride", "padding", "pad", "activation", "groups", "dilation", "bias"});
  const auto [kh, kw] = int_pair(c, "kernel");
  const auto [sh, sw] = int_pair(c, "stride");
  const auto [ph, pw] = int_pair(c, "pad");
  const auto [dh, dw] = c.options.contains("dilation") ? int_pair(c, "dilation") : std::pair<int, int>{1, 1};
  const int groups = c.options.value("groups", 1);
  const bool bias = c.options.value("bias", true);
  const std::string padding = c.options.at("padding").get<std::string>();
  const auto [top, bottom] = axis_pads(padding, c.in[1], (kh - 1) * dh + 1, sh, ph, c.out[1]);
  const auto [left, right] = axis_pads(padding, c.in[2], (kw - 1) * dw + 1, sw, pw, c.out[2]);
  const Activation activation = activation_option(c);
  const std::string conv = pre_activation_name(g, c, activation, ".conv");
  std::vector<std::string> inputs{c.input, add_param(g, c, "weight")};
  if (bias) inputs.push_back(add_param(g, c, "bias"));
  onnx::NodeProto& node = g.add_node("Conv", inputs, conv);
  OnnxGraph::set_ints(node, "kernel_shape", {kh, kw});
  OnnxGraph::set_ints(node, "strides", {sh, sw});
  OnnxGraph::set_ints(node, "pads", {top, left, bottom, right});  // explicit pads, never auto_pad
  OnnxGraph::set_ints(node, "dilations", {dh, dw});
  OnnxGraph::set_int(node, "group", groups);
  if (activation != Activation::kNone) add_activation(g, activation, conv, c.output, c.name);
}

void export_pool(OnnxGraph& g, const LayerExportContext& c) {
  allow_only(c, {"type", "size", "stride", "padding"});
  const auto [kh, kw] = int_pair(c, "size");
  const auto [sh, sw] = int_pair(c, "stride");
  const std::string type = c.options.at("type").get<std::string>();
  // `padding` is valid when absent; same pads as TensorFlow (extra row/column after). Max pooling
  // ignores padding in ONNX as in cnn; average pooling divides by the real elements only
  // (count_include_pad 0).
  const std::string padding = c.options.value("padding", "valid");
  CNN_CHECK_CODE(padding == "valid" || padding == "same", ExitCode::kModel, "{}: pool padding '{}' has no ONNX form", c.name, padding);
  const auto [top, bottom] = axis_pads(padding, c.in[1], kh, sh, 0, c.out[1]);
  const auto [left, right] = axis_pads(padding, c.in[2], kw, sw, 0, c.out[2]);
  CNN_CHECK_CODE(type == "max" || type == "avg", ExitCode::kModel, "{}: pool type '{}' has no ONNX form", c.name, type);
  onnx::NodeProto& node = g.add_node(type == "max" ? "MaxPool" : "AveragePool", {c.input}, c.output);
  OnnxGraph::set_ints(node, "kernel_shape", {kh, kw});
  OnnxGraph::set_ints(node, "strides", {sh, sw});
  OnnxGraph::set_ints(node, "pads", {top, left, bottom, right});
  if (type == "avg") OnnxGraph::set_int(node, "count_include_pad", 0);
}

void export_dense(OnnxGraph& g, const LayerExportContext& c) {
  allow_only(c, {"units", "activation"});
  std::string x = c.input;
  if (c.in.rank() > 1) {  // cnn's dense reads any (N, ...) input as (N, D) in NCHW order: Flatten does the same
    const std::string flat = g.fresh_name(c.name + ".flatten");
    OnnxGraph::set_int(g.add_node("Flatten", {x}, flat), "axis", 1);
    x = flat;
  }
  const Activation activation = activation_option(c);
  const std::string gemm = pre_activation_name(g, c, activation, ".gemm");
  onnx::NodeProto& node = g.add_node("Gemm", {x, add_param(g, c, "weight"), add_param(g, c, "bias")}, gemm);
  OnnxGraph::set_int(node, "transB", 1);  // weight is (units, in_features), PyTorch's layout
  if (activation != Activation::kNone) add_activation(g, activation, gemm, c.output, c.name);
}

void export_flatten(OnnxGraph& g, const LayerExportContext& c) {
  allow_only(c, {});
  OnnxGraph::set_int(g.add_node("Flatten", {c.input}, c.output), "axis", 1);
}

// Inference form: the running statistics (ONNX's BatchNormalization in opset 13 is inference-only).
// Over channels (axis 1) after a conv, (N, C, H, W), and over features after a dense layer, (N, C).
void export_batch_norm(OnnxGraph& g, const LayerExportContext& c) {
  allow_only(c, {"momentum", "eps"});  // momentum only shapes training
  onnx::NodeProto& node = g.add_node("BatchNormalization",
                                     {c.input, add_param(g, c, "weight"), add_param(g, c, "bias"),
                                      add_param(g, c, "running_mean"), add_param(g, c, "running_var")},
                                     c.output);
  OnnxGraph::set_float(node, "epsilon", c.options.at("eps").get<float>());
}

// Inverted dropout is the identity at inference: no node, the output is the input under the
// layer's name (an Identity keeps the graph's names one per layer).
void export_dropout(OnnxGraph& g, const LayerExportContext& c) {
  allow_only(c, {"rate"});
  g.add_node("Identity", {c.input}, c.output);
}

// GlobalAveragePool and GlobalMaxPool give (N, C, 1, 1); cnn's layers give (N, C).
void add_global_pool(OnnxGraph& g, const LayerExportContext& c, const char* op) {
  allow_only(c, {});
  const std::string pooled = g.fresh_name(c.name + ".pool");
  g.add_node(op, {c.input}, pooled);
  OnnxGraph::set_int(g.add_node("Flatten", {pooled}, c.output), "axis", 1);
}

void export_global_avg_pool(OnnxGraph& g, const LayerExportContext& c) { add_global_pool(g, c, "GlobalAveragePool"); }

void export_global_max_pool(OnnxGraph& g, const LayerExportContext& c) { add_global_pool(g, c, "GlobalMaxPool"); }

void export_leaky_relu(OnnxGraph& g, const LayerExportContext& c) {
  allow_only(c, {"slope"});
  OnnxGraph::set_float(g.add_node("LeakyRelu", {c.input}, c.output), "alpha", c.options.at("slope").get<float>());
}

void export_add(OnnxGraph& g, const LayerExportContext& c) {
  allow_only(c, {});
  std::string sum = c.inputs[0];
  for (std::size_t k = 1; k < c.inputs.size(); ++k) {
    const std::string out = k + 1 == c.inputs.size() ? c.output : g.fresh_name(c.name + ".partial");
    g.add_node("Add", {sum, c.inputs[k]}, out);
    sum = out;
  }
}

void export_concat(OnnxGraph& g, const LayerExportContext& c) {
  allow_only(c, {});
  OnnxGraph::set_int(g.add_node("Concat", c.inputs, c.output), "axis", 1);
}

template <Activation kActivation>
void export_activation(OnnxGraph& g, const LayerExportContext& c) {
  allow_only(c, {});
  add_activation(g, kActivation, c.input, c.output, c.name);
}

// gelu: {"approximate": "none"} (the Erf form) or "tanh" (its formula in elementary ops).
void export_gelu(OnnxGraph& g, const LayerExportContext& c) {
  allow_only(c, {"approximate"});
  Activation activation = Activation::kGelu;
  const std::string name = c.options.value("approximate", "none");
  CNN_CHECK_CODE(kGeluApproximationNames.parse(name, &activation), ExitCode::kModel, "{}: gelu approximation '{}' has no ONNX form",
                 c.name, name);
  add_activation(g, activation, c.input, c.output, c.name);
}

const std::map<std::string, LayerExport>& layer_exports() {
  static const std::map<std::string, LayerExport> table = {
      {"conv", export_conv},
      {"pool", export_pool},
      {"dense", export_dense},
      {"flatten", export_flatten},
      {"relu", export_activation<Activation::kRelu>},
      {"tanh", export_activation<Activation::kTanh>},
      {"sigmoid", export_activation<Activation::kSigmoid>},
      {"scaled_tanh", export_activation<Activation::kScaledTanh>},
      {"silu", export_activation<Activation::kSilu>},
      {"gelu", export_gelu},
      {"batch_norm", export_batch_norm},
      {"dropout", export_dropout},
      {"global_avg_pool", export_global_avg_pool},
      {"global_max_pool", export_global_max_pool},
      {"leaky_relu", export_leaky_relu},
      {"add", export_add},
      {"concat", export_concat},
  };
  return table;
}

}  // namespace

LayerExport find_layer_export(const std::string& kind) {
  const auto it = layer_exports().find(kind);
  return it == layer_exports().end() ? nullptr : it->second;
}

}  // namespace cnn
