// import_onnx(): see onnx_import.hpp.
#include "onnx/onnx_import.hpp"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "layers/layer_options.hpp"
#include "layers/activation_layer.hpp"
#include "net/builder.hpp"
#include "ops/activation.hpp"

namespace cnn {
namespace {

using nlohmann::json;

constexpr std::int64_t kMinOpset = 9, kMaxOpset = 18;

// A float32 tensor of the graph: an initializer or a Constant node's value.
Tensor to_tensor(const onnx::TensorProto& t, const std::string& where) {
  CNN_CHECK_CODE(t.data_type() == onnx::TensorProto::FLOAT, ExitCode::kModel, "{}: tensor '{}' is not float32", where, t.name());
  CNN_CHECK_CODE(t.data_location() != onnx::TensorProto::EXTERNAL, ExitCode::kModel,
                 "{}: tensor '{}' is stored outside the file (external data is not supported)", where, t.name());
  std::vector<int> dims;
  std::uint64_t count = 1;
  for (std::int64_t d : t.dims()) {
    CNN_CHECK_CODE(d >= 1 && d <= (std::int64_t{1} << 30), ExitCode::kModel, "{}: tensor '{}' has a dimension of {}", where, t.name(), d);
    dims.push_back(static_cast<int>(d));
    count = saturating_product({count, std::uint64_t(d)});
  }
  CNN_CHECK_CODE(count <= kMaxLayerParameters, ExitCode::kModel, "{}: tensor '{}' has more than {} values", where, t.name(),
                 kMaxLayerParameters);
  Tensor out{Shape(dims)};
  if (t.has_raw_data()) {  // little-endian float32, as protobuf's own fields are
    CNN_CHECK_CODE(t.raw_data().size() == count * sizeof(float), ExitCode::kModel, "{}: tensor '{}' holds {} bytes for {} floats",
                   where, t.name(), t.raw_data().size(), count);
    std::memcpy(out.data(), t.raw_data().data(), t.raw_data().size());
  } else {
    CNN_CHECK_CODE(static_cast<std::uint64_t>(t.float_data_size()) == count, ExitCode::kModel,
                   "{}: tensor '{}' holds {} floats for {}", where, t.name(), t.float_data_size(), count);
    std::copy(t.float_data().begin(), t.float_data().end(), out.data());
  }
  for (std::size_t i = 0; i < out.size(); ++i)
    CNN_CHECK_CODE(std::isfinite(out[i]), ExitCode::kModel, "{}: tensor '{}' holds a NaN or infinite value", where, t.name());
  return out;
}

const onnx::AttributeProto* attribute(const onnx::NodeProto& node, const char* name) {
  for (const onnx::AttributeProto& a : node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

std::int64_t int_attr(const onnx::NodeProto& node, const char* name, std::int64_t fallback) {
  const onnx::AttributeProto* a = attribute(node, name);
  return a ? a->i() : fallback;
}

float float_attr(const onnx::NodeProto& node, const char* name, float fallback) {
  const onnx::AttributeProto* a = attribute(node, name);
  return a ? a->f() : fallback;
}

std::vector<std::int64_t> ints_attr(const onnx::NodeProto& node, const char* name, std::vector<std::int64_t> fallback) {
  const onnx::AttributeProto* a = attribute(node, name);
  return a ? std::vector<std::int64_t>(a->ints().begin(), a->ints().end()) : fallback;
}

class Importer {
 public:
  Importer(const onnx::GraphProto& graph, std::string source) : graph_(graph), source_(std::move(source)) {}

  ImportedModel run();

 private:
  [[noreturn]] void refuse(const onnx::NodeProto& node, const std::string& what) const {
    CNN_FAIL(ExitCode::kModel, "{}: node '{}' ({}): {}", source_, node.name(), node.op_type(), what);
  }
  const Tensor& weight(const onnx::NodeProto& node, int input) const;
  // Node i is `op` and reads `tensor` as its first input.
  bool reads(std::size_t i, const char* op, const std::string& tensor) const {
    return i < nodes_.size() && nodes_[i]->op_type() == op && nodes_[i]->input_size() >= 1 && nodes_[i]->input(0) == tensor;
  }
  // Node i is `op` and reads the output of node i - 1, which nothing else reads: the two can be
  // one cnn layer.
  bool continues(std::size_t i, const char* op) const {
    return i > 0 && reads(i, op, nodes_[i - 1]->output(0)) && readers(nodes_[i - 1]->output(0)) == 1;
  }
  int readers(const std::string& tensor) const {
    const auto it = readers_.find(tensor);
    return it == readers_.end() ? 0 : it->second;
  }
  // The cnn layer (or "input") whose output a node's input is.
  const std::string& layer_of(const onnx::NodeProto& node, int input) const;
  // The per-sample shape of a cnn layer's output (or of the input), from cnn's own setup.
  Shape shape_of(const onnx::NodeProto& node, const std::string& layer) const;
  // Node i is the binary `op` of the tensors a and b, in either order (Add and Mul commute).
  bool binary(std::size_t i, const char* op, const std::string& a, const std::string& b) const {
    if (i >= nodes_.size() || nodes_[i]->op_type() != op || nodes_[i]->input_size() != 2) return false;
    const std::string &p = nodes_[i]->input(0), &q = nodes_[i]->input(1);
    return (p == a && q == b) || (p == b && q == a);
  }
  // Node i is the binary `op` of the tensor a and a one-value constant (shape () or (1)) equal to
  // `value`, in either order.
  bool binary_with(std::size_t i, const char* op, const std::string& a, float value) const {
    if (i >= nodes_.size() || nodes_[i]->op_type() != op || nodes_[i]->input_size() != 2) return false;
    const std::string &p = nodes_[i]->input(0), &q = nodes_[i]->input(1);
    return (p == a && is_scalar(q, value)) || (q == a && is_scalar(p, value));
  }
  bool is_scalar(const std::string& name, float value) const {
    const auto it = constants_.find(name);
    return it != constants_.end() && it->second.shape().rank() <= 1 && it->second.size() == 1 && it->second[0] == value;
  }
  const std::string& out(std::size_t i) const { return nodes_[i]->output(0); }
  // The activation that starts at node i reading `tensor` (0 nodes when none): Relu, Tanh,
  // Sigmoid, cnn's scaled tanh as export writes it, Mul(B) Tanh Mul(A), or silu and gelu (both
  // forms) as torch.onnx.export and cnn's export write them (silu_at, gelu_at, gelu_tanh_at).
  std::pair<Activation, std::size_t> activation_at(std::size_t i, const std::string& tensor) const;
  bool silu_at(std::size_t i, const std::string& x) const;
  bool gelu_at(std::size_t i, const std::string& x) const;
  bool gelu_tanh_at(std::size_t i, const std::string& x) const;
  // Appends a layer reading `inputs` (cnn layer names); returns its name.
  std::string add_layer(const std::string& kind, json options, std::vector<std::string> inputs,
                        std::vector<std::pair<std::string, Tensor>> tensors = {});
  void read_conv(const onnx::NodeProto& node, const Shape& in);
  void read_gemm(const onnx::NodeProto& node);
  void read_pool(const onnx::NodeProto& node);
  // The layer that node i (and the nodes it absorbs) stands for; returns how many nodes it used.
  std::size_t read_node(std::size_t i);

  const onnx::GraphProto& graph_;
  std::string source_;
  std::map<std::string, Tensor> constants_;  // initializers and Constant nodes' values
  std::map<std::string, std::vector<std::int64_t>> int_constants_;  // int64 Constant nodes (a Pad's pads)
  std::vector<const onnx::NodeProto*> nodes_;   // in graph order, Constant nodes left out
  std::map<std::string, int> readers_;          // tensor -> how many nodes (and graph outputs) read it
  std::map<std::string, std::string> layer_of_; // tensor -> the cnn layer whose output it is
  std::string input_name_;
  Shape input_shape_;
  json layers_ = json::array();
  std::vector<std::vector<std::pair<std::string, Tensor>>> tensors_;  // per layer: local name -> values
};

const Tensor& Importer::weight(const onnx::NodeProto& node, int input) const {
  if (node.input_size() <= input) refuse(node, fmt::format("input {} is missing", input + 1));
  const auto it = constants_.find(node.input(input));
  if (it == constants_.end()) refuse(node, fmt::format("input '{}' is not a constant (an initializer)", node.input(input)));
  return it->second;
}

// x sigmoid(x): Sigmoid(x), then Mul of x and it.
bool Importer::silu_at(std::size_t i, const std::string& x) const {
  return reads(i, "Sigmoid", x) && binary(i + 1, "Mul", x, out(i));
}

// (x (erf(x / √2) + 1)) 0.5: Div(x, √2), Erf, Add(1), Mul(x), Mul(0.5), each constant the float
// cnn computes with (ops/activation.hpp), as torch.onnx.export writes nn.GELU() at opset 13.
bool Importer::gelu_at(std::size_t i, const std::string& x) const {
  return reads(i, "Div", x) && nodes_[i]->input_size() == 2 && is_scalar(nodes_[i]->input(1), kSqrt2) &&
         reads(i + 1, "Erf", out(i)) && binary_with(i + 2, "Add", out(i + 1), 1.0f) && binary(i + 3, "Mul", x, out(i + 2)) &&
         binary_with(i + 4, "Mul", out(i + 3), 0.5f);
}

// (x (tanh(β (x + κ x (x x))) + 1)) 0.5: Mul(x, x), Mul(x), Mul(κ), Add(x), Mul(β), Tanh, Add(1),
// Mul(x), Mul(0.5), as torch.onnx.export writes nn.GELU(approximate='tanh') at opset 13.
bool Importer::gelu_tanh_at(std::size_t i, const std::string& x) const {
  return binary(i, "Mul", x, x) && binary(i + 1, "Mul", x, out(i)) && binary_with(i + 2, "Mul", out(i + 1), kGeluTanhKappa) &&
         binary(i + 3, "Add", x, out(i + 2)) && binary_with(i + 4, "Mul", out(i + 3), kGeluTanhBeta) &&
         reads(i + 5, "Tanh", out(i + 4)) && binary_with(i + 6, "Add", out(i + 5), 1.0f) && binary(i + 7, "Mul", x, out(i + 6)) &&
         binary_with(i + 8, "Mul", out(i + 7), 0.5f);
}

std::pair<Activation, std::size_t> Importer::activation_at(std::size_t i, const std::string& tensor) const {
  if (reads(i, "Relu", tensor)) return {Activation::kRelu, 1};
  if (silu_at(i, tensor)) return {Activation::kSilu, 2};
  if (gelu_at(i, tensor)) return {Activation::kGelu, 5};
  if (gelu_tanh_at(i, tensor)) return {Activation::kGeluTanh, 9};
  if (reads(i, "Sigmoid", tensor)) return {Activation::kSigmoid, 1};
  if (reads(i, "Tanh", tensor)) return {Activation::kTanh, 1};
  if (reads(i, "Mul", tensor) && continues(i + 1, "Tanh") && continues(i + 2, "Mul")) {
    const auto scalar = [&](const onnx::NodeProto& node) {
      const auto it = constants_.find(node.input(1));
      return it != constants_.end() && it->second.size() == 1 ? it->second[0] : std::nanf("");
    };
    if (scalar(*nodes_[i]) == kScaledTanhB && scalar(*nodes_[i + 2]) == kScaledTanhA) return {Activation::kScaledTanh, 3};
  }
  return {Activation::kNone, 0};
}

const std::string& Importer::layer_of(const onnx::NodeProto& node, int input) const {
  if (node.input_size() <= input) refuse(node, fmt::format("input {} is missing", input + 1));
  const auto it = layer_of_.find(node.input(input));
  if (it == layer_of_.end()) {
    if (constants_.count(node.input(input))) refuse(node, fmt::format("input '{}' is a constant where cnn needs a layer's output", node.input(input)));
    refuse(node, fmt::format("input '{}' is not the graph's input or an output of a node cnn imports", node.input(input)));
  }
  return it->second;
}

Shape Importer::shape_of(const onnx::NodeProto& node, const std::string& layer) const {
  if (layer == kNetworkInputName) return input_shape_;
  try {
    const json architecture = {{"input", input_shape_.dims()}, {"init", "he_normal"}, {"layers", layers_}};
    auto net = build_net(model_spec_from_json(architecture, GraphCheck::kUnfinished));
    for (std::size_t l = 0; l < net->layer_count(); ++l)
      if (net->layer_name(l) == layer) return net->layer_output_shape(l);
  } catch (const Error& e) {
    refuse(node, e.what());
  }
  CNN_FAIL(ExitCode::kInternal, "{}: no layer '{}'", source_, layer);
}

std::string Importer::add_layer(const std::string& kind, json options, std::vector<std::string> inputs,
                                std::vector<std::pair<std::string, Tensor>> tensors) {
  int rank = 1;
  for (const json& l : layers_) rank += l["kind"] == kind ? 1 : 0;
  const std::string name = kind + std::to_string(rank);
  options["kind"] = kind;
  options["name"] = name;
  options["inputs"] = std::move(inputs);
  layers_.push_back(std::move(options));
  tensors_.push_back(std::move(tensors));
  return name;
}

// group and dilations are cnn's groups and dilation: the group must fit the weight and the input
// here, the conv schema and setup check the rest when the layer is built, as a config's would be.
// A Conv without a bias input becomes a bias-free layer.
void Importer::read_conv(const onnx::NodeProto& node, const Shape& in) {
  const Tensor& w = weight(node, 1);
  if (w.shape().rank() != 4) refuse(node, "the weight is not (filters, channels / group, kh, kw)");
  const int filters = w.shape()[0], kh = w.shape()[2], kw = w.shape()[3];
  const bool has_bias = node.input_size() > 2 && !node.input(2).empty();
  const std::int64_t group = int_attr(node, "group", 1);
  if (group < 1 || group > kMaxLayerSize) refuse(node, fmt::format("group {} is outside [1, {}]", group, kMaxLayerSize));
  if (in[0] % group != 0 || w.shape()[1] != in[0] / group)
    refuse(node, fmt::format("the weight has {} channels per group, the input {} channels in {} groups", w.shape()[1], in[0], group));
  const auto dilations = ints_attr(node, "dilations", {1, 1});
  if (dilations.size() != 2) refuse(node, "not a 2-D convolution");
  for (std::int64_t d : dilations)
    if (d < 1 || d > kMaxLayerSize) refuse(node, fmt::format("dilation {} is outside [1, {}]", d, kMaxLayerSize));
  const onnx::AttributeProto* auto_pad = attribute(node, "auto_pad");
  if (auto_pad && auto_pad->s() != "NOTSET" && auto_pad->s() != "VALID") refuse(node, "auto_pad " + auto_pad->s() + ": give explicit pads");
  const auto kernel = ints_attr(node, "kernel_shape", {kh, kw});
  if (kernel != std::vector<std::int64_t>{kh, kw}) refuse(node, "kernel_shape does not match the weight");
  const auto strides = ints_attr(node, "strides", {1, 1});
  const auto pads = ints_attr(node, "pads", {0, 0, 0, 0});
  if (strides.size() != 2 || pads.size() != 4) refuse(node, "not a 2-D convolution");
  // TensorFlow's same padding for this input, the rule of cnn's `padding: same`, with the
  // dilated kernel's extent.
  const auto same = [&](int size, std::int64_t stride, int k, std::int64_t dilation) {
    const std::int64_t out = (size + stride - 1) / stride;
    const std::int64_t total = std::max<std::int64_t>((out - 1) * stride + (k - 1) * dilation + 1 - size, 0);
    return std::pair<std::int64_t, std::int64_t>{total / 2, total - total / 2};
  };
  json options = {{"filters", filters}, {"kernel", {kh, kw}}, {"stride", {strides[0], strides[1]}}, {"pad", {0, 0}}};
  if (group != 1) options["groups"] = group;
  if (dilations != std::vector<std::int64_t>{1, 1}) options["dilation"] = {dilations[0], dilations[1]};
  if (!has_bias) options["bias"] = false;
  if (pads == std::vector<std::int64_t>{0, 0, 0, 0}) {
    options["padding"] = "valid";
  } else if (std::pair{pads[0], pads[2]} == same(in[1], strides[0], kh, dilations[0]) &&
             std::pair{pads[1], pads[3]} == same(in[2], strides[1], kw, dilations[1])) {
    options["padding"] = "same";
  } else if (pads[0] == pads[2] && pads[1] == pads[3]) {
    options["padding"] = "explicit";
    options["pad"] = {pads[0], pads[1]};
  } else {
    refuse(node, "asymmetric pads other than TensorFlow's same padding have no cnn form");
  }
  options["activation"] = "none";
  std::vector<std::pair<std::string, Tensor>> tensors{{"weight", w}};
  if (has_bias) tensors.emplace_back("bias", weight(node, 2));
  add_layer("conv", options, {layer_of(node, 0)}, std::move(tensors));
}

void Importer::read_gemm(const onnx::NodeProto& node) {
  if (float_attr(node, "alpha", 1.0f) != 1.0f || float_attr(node, "beta", 1.0f) != 1.0f || int_attr(node, "transA", 0) != 0)
    refuse(node, "only alpha = beta = 1 and transA = 0 have a cnn form");
  const Tensor& b = weight(node, 1);
  if (b.shape().rank() != 2) refuse(node, "the weight is not a matrix");
  Tensor w = b;  // cnn's layout is (units, in_features): transB = 1 as is, transB = 0 transposed
  if (int_attr(node, "transB", 0) == 0) {
    const int rows = b.shape()[0], cols = b.shape()[1];
    w = Tensor(Shape{cols, rows});
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) w[static_cast<std::size_t>(c) * rows + r] = b[static_cast<std::size_t>(r) * cols + c];
  }
  const int units = w.shape()[0];
  Tensor bias(Shape{units});
  if (node.input_size() > 2 && !node.input(2).empty()) bias = weight(node, 2);
  if (bias.shape() != Shape{units}) refuse(node, "the bias is not one value per unit");
  add_layer("dense", {{"units", units}, {"activation", "none"}}, {layer_of(node, 0)}, {{"weight", w}, {"bias", bias}});
}

void Importer::read_pool(const onnx::NodeProto& node) {
  const auto kernel = ints_attr(node, "kernel_shape", {});
  const auto strides = ints_attr(node, "strides", {1, 1});
  if (kernel.size() != 2 || strides.size() != 2) refuse(node, "not a 2-D pooling");
  if (ints_attr(node, "pads", {0, 0, 0, 0}) != std::vector<std::int64_t>{0, 0, 0, 0}) refuse(node, "padded pooling has no cnn form");
  if (int_attr(node, "ceil_mode", 0) != 0) refuse(node, "ceil_mode has no cnn form");
  if (ints_attr(node, "dilations", {1, 1}) != std::vector<std::int64_t>{1, 1}) refuse(node, "dilation has no cnn form");
  const onnx::AttributeProto* auto_pad = attribute(node, "auto_pad");
  if (auto_pad && auto_pad->s() != "NOTSET" && auto_pad->s() != "VALID") refuse(node, "auto_pad " + auto_pad->s() + " has no cnn form");
  add_layer("pool",
            {{"type", node.op_type() == "MaxPool" ? "max" : "avg"}, {"size", {kernel[0], kernel[1]}}, {"stride", {strides[0], strides[1]}}},
            {layer_of(node, 0)});
}

std::size_t Importer::read_node(std::size_t i) {
  const onnx::NodeProto& node = *nodes_[i];
  if (node.output_size() < 1) refuse(node, "the node has no output");
  const std::string& op = node.op_type();
  const std::size_t layers_before = layers_.size();
  // Records the layer the nodes made. A new layer takes its output tensor's name when that is a
  // layer name cnn accepts (as cnn's export writes them, "conv2"; not PyTorch's "/conv1/Conv_output_0"),
  // so that export then import keeps the names; else it keeps its automatic one.
  const auto made = [&](std::size_t used, std::string layer) {
    const std::string& tensor = nodes_[i + used - 1]->output(0);
    // cnn's export names the end "logits" (then "probabilities"): those are not layer names.
    const bool graph_end = (graph_.output_size() > 0 && graph_.output(0).name() == tensor) || tensor == "logits" ||
                           tensor == "probabilities";
    if (layers_.size() == layers_before + 1 && is_valid_layer_name(tensor) && tensor != kNetworkInputName && !graph_end &&
        std::none_of(layers_.begin(), layers_.end(), [&](const json& l) { return l["name"] == tensor; })) {
      layers_.back()["name"] = tensor;
      layer = tensor;
    }
    layer_of_[tensor] = layer;
    return used;
  };
  if (op == "Conv" || op == "Gemm") {
    if (op == "Conv") {
      read_conv(node, shape_of(node, layer_of(node, 0)));  // same padding depends on the input's size
    } else {
      read_gemm(node);
    }
    // An activation that alone reads this layer's output (a SiLU's Sigmoid and Mul both read it)
    // becomes the layer's own.
    auto [activation, nodes] = activation_at(i + 1, node.output(0));
    int readers_inside = 0;
    for (std::size_t k = i + 1; k <= i + nodes; ++k)
      for (const std::string& input : nodes_[k]->input()) readers_inside += input == node.output(0) ? 1 : 0;
    if (readers_inside != readers(node.output(0))) activation = Activation::kNone, nodes = 0;
    layers_.back()["activation"] = activation_name(activation);
    return made(1 + nodes, layers_.back()["name"]);
  }
  if (op == "MaxPool" || op == "AveragePool") {
    read_pool(node);
    return made(1, layers_.back()["name"]);
  }
  if (op == "BatchNormalization") {
    // ONNX's momentum weighs the old running value (default 0.9); cnn's the batch's (0.1).
    // In double and to 7 digits: ONNX's default 0.9 reads back as cnn's 0.1, not 0.100000024.
    const float momentum = static_cast<float>(std::stod(fmt::format("{:.7g}", 1.0 - double{float_attr(node, "momentum", 0.9f)})));
    float eps = float_attr(node, "epsilon", 1e-5f);
    if (eps == 0.0f) {
      // cnn's export writes the input normalisation as a BatchNormalization with epsilon 0 and
      // variance 1; cnn's smallest epsilon, 1e-12, vanishes next to any variance of 1e-4 or more
      // (float rounds var + 1e-12 back to var), so the layer computes the same numbers.
      const Tensor& var = weight(node, 4);
      for (std::size_t c = 0; c < var.size(); ++c)
        if (!(var[c] >= 1e-4f)) refuse(node, "epsilon 0 with a variance below 1e-4 has no exact cnn form");
      eps = 1e-12f;
    }
    if (!(eps >= 1e-12f && eps <= 1.0f)) refuse(node, fmt::format("epsilon {} is outside cnn's [1e-12, 1]", eps));
    if (!(momentum >= 0.0f && momentum <= 1.0f)) refuse(node, "momentum outside [0, 1]");
    if (int_attr(node, "training_mode", 0) != 0 || node.output_size() != 1) refuse(node, "only the inference form has a cnn form");
    return made(1, add_layer("batch_norm", {{"momentum", momentum}, {"eps", eps}}, {layer_of(node, 0)},
                             {{"weight", weight(node, 1)}, {"bias", weight(node, 2)}, {"running_mean", weight(node, 3)},
                              {"running_var", weight(node, 4)}}));
  }
  if (op == "GlobalAveragePool") {
    // (N, C, 1, 1) in ONNX, (N, C) in cnn: the Flatten that makes it flat is part of the layer.
    if (!continues(i + 1, "Flatten") || int_attr(*nodes_[i + 1], "axis", 1) != 1)
      refuse(node, "only a GlobalAveragePool followed by Flatten (axis 1) has a cnn form (cnn's global_avg_pool gives (N, C))");
    return made(2, add_layer("global_avg_pool", json::object(), {layer_of(node, 0)}));
  }
  if (op == "Flatten") {
    if (int_attr(node, "axis", 1) != 1) refuse(node, "only axis 1 has a cnn form");
    return made(1, add_layer("flatten", json::object(), {layer_of(node, 0)}));
  }
  if (op == "Add") {
    if (node.input_size() != 2) refuse(node, "Add reads two tensors");
    return made(1, add_layer("add", json::object(), {layer_of(node, 0), layer_of(node, 1)}));
  }
  if (op == "Concat") {
    if (int_attr(node, "axis", 0) != 1) refuse(node, "only a Concat along channels (axis 1) has a cnn form");
    if (node.input_size() < 2) refuse(node, "Concat of fewer than two tensors");
    std::vector<std::string> inputs;
    for (int k = 0; k < node.input_size(); ++k) inputs.push_back(layer_of(node, k));
    return made(1, add_layer("concat", json::object(), inputs));
  }
  if (op == "Relu" || op == "Tanh" || op == "Sigmoid" || op == "Mul" || op == "Div") {
    const auto [activation, nodes] = activation_at(i, node.input_size() > 0 ? node.input(0) : std::string());
    if (nodes == 0)
      refuse(node, "only as part of cnn's scaled tanh (Mul(2/3) Tanh Mul(1.7159)) or of a SiLU or GELU as torch.onnx.export "
                   "writes them has it a cnn form");
    const std::string& x = layer_of(node, 0);
    if (activation == Activation::kGelu || activation == Activation::kGeluTanh)
      return made(nodes, add_layer("gelu", {{"approximate", kGeluApproximationNames.name(activation)}}, {x}));
    return made(nodes, add_layer(activation_name(activation), json::object(), {x}));
  }
  if (op == "GlobalMaxPool") {
    // (N, C, 1, 1) in ONNX, (N, C) in cnn: only with the Flatten export writes after it.
    if (!continues(i + 1, "Flatten") || int_attr(*nodes_[i + 1], "axis", 1) != 1)
      refuse(node, "cnn's global_max_pool gives (N, C): a Flatten (axis 1) must follow");
    return made(2, add_layer("global_max_pool", json::object(), {layer_of(node, 0)}));
  }
  if (op == "Pad") {
    // PyTorch writes AvgPool2d as a Pad of zeros, all zero wide, then AveragePool: an identity.
    std::vector<std::int64_t> pads = ints_attr(node, "pads", {});  // opsets before 11
    if (node.input_size() > 1) {
      const auto it = int_constants_.find(node.input(1));
      if (it == int_constants_.end()) refuse(node, "the pads are not a constant");
      pads = it->second;
    }
    const onnx::AttributeProto* mode = attribute(node, "mode");
    if ((mode && mode->s() != "constant") || std::any_of(pads.begin(), pads.end(), [](std::int64_t p) { return p != 0; }))
      refuse(node, "only a Pad of nothing has a cnn form (a padded layer takes its padding itself)");
    return made(1, layer_of(node, 0));
  }
  if (op == "LeakyRelu") {
    // cnn's slope is a double in [0, 0.999]: the shortest decimal of ONNX's float alpha, which
    // reads back as the same float (0.1, not 0.10000000149011612).
    const float alpha = float_attr(node, "alpha", 0.01f);
    if (!(alpha >= 0.0f && alpha <= 0.999f)) refuse(node, fmt::format("alpha {} is outside cnn's slope range [0, 0.999]", alpha));
    return made(1, add_layer("leaky_relu", {{"slope", std::stod(fmt::format("{}", alpha))}}, {layer_of(node, 0)}));
  }
  if (op == "Identity" || op == "Dropout") return made(1, layer_of(node, 0));  // identity at inference: no layer
  if ((op == "Softmax" || op == "LogSoftmax") && i + 1 == nodes_.size())
    return made(1, layer_of(node, 0));  // cnn's network ends in logits; the loss and predict apply softmax
  refuse(node, "this operator has no cnn form (cnn imports Conv, Gemm, MaxPool, AveragePool, Flatten, Relu, Tanh, Sigmoid, "
               "Mul-Tanh-Mul, SiLU and GELU, LeakyRelu, GlobalMaxPool + Flatten, BatchNormalization, GlobalAveragePool + Flatten, Add, Concat, Identity, Dropout and a "
               "final Softmax)");
}

ImportedModel Importer::run() {
  for (const onnx::TensorProto& t : graph_.initializer()) constants_.emplace(t.name(), to_tensor(t, source_));
  for (const onnx::NodeProto& node : graph_.node()) {
    if (node.op_type() == "Constant") {
      const onnx::AttributeProto* value = attribute(node, "value");
      if (!value || !value->has_t()) refuse(node, "only a tensor 'value' is supported");
      if (value->t().data_type() == onnx::TensorProto::INT64) {
        std::vector<std::int64_t> ints(value->t().int64_data().begin(), value->t().int64_data().end());
        if (value->t().has_raw_data()) {
          ints.resize(value->t().raw_data().size() / sizeof(std::int64_t));
          std::memcpy(ints.data(), value->t().raw_data().data(), ints.size() * sizeof(std::int64_t));
        }
        int_constants_.emplace(node.output(0), std::move(ints));  // shapes and pads, not weights
      } else {
        constants_.emplace(node.output(0), to_tensor(value->t(), source_));
      }
    } else if (node.op_type() == "Identity" && node.input_size() == 1 && node.output_size() == 1 && constants_.count(node.input(0))) {
      constants_.emplace(node.output(0), constants_.at(node.input(0)));  // PyTorch copies weights this way
    } else {
      nodes_.push_back(&node);
    }
  }
  // The one input that is not an initializer: (N, C, H, W) float32 with C, H and W known.
  const onnx::ValueInfoProto* input = nullptr;
  for (const onnx::ValueInfoProto& v : graph_.input()) {
    if (constants_.count(v.name())) continue;
    CNN_CHECK_CODE(input == nullptr, ExitCode::kModel, "{}: the graph has more than one input ('{}', '{}')", source_, input->name(), v.name());
    input = &v;
  }
  CNN_CHECK_CODE(input != nullptr, ExitCode::kModel, "{}: the graph has no input", source_);
  const onnx::TypeProto_Tensor& type = input->type().tensor_type();
  CNN_CHECK_CODE(type.elem_type() == onnx::TensorProto::FLOAT && type.shape().dim_size() == 4, ExitCode::kModel,
                 "{}: the input '{}' is not a float32 (N, C, H, W) tensor", source_, input->name());
  std::vector<int> dims;
  for (int d = 1; d < 4; ++d) {
    const std::int64_t size = type.shape().dim(d).dim_value();
    CNN_CHECK_CODE(size >= 1 && size <= kMaxInputSize, ExitCode::kModel, "{}: the input '{}' must have a fixed C, H and W (dimension {} is {})",
                   source_, input->name(), d, type.shape().dim(d).has_dim_param() ? type.shape().dim(d).dim_param() : std::to_string(size));
    dims.push_back(static_cast<int>(size));
  }
  input_shape_ = Shape(dims);
  input_name_ = input->name();
  CNN_CHECK_CODE(!nodes_.empty(), ExitCode::kModel, "{}: the graph has no nodes", source_);

  for (const onnx::NodeProto* node : nodes_)
    for (const std::string& tensor : node->input()) ++readers_[tensor];
  for (const onnx::ValueInfoProto& v : graph_.output()) ++readers_[v.name()];
  layer_of_[input_name_] = kNetworkInputName;
  // Nodes in graph order (ONNX requires it to be topological); each becomes a layer, or several
  // one (a Conv and the activation only it feeds), or none (Identity passes its input's layer on).
  for (std::size_t i = 0; i < nodes_.size();) i += read_node(i);
  CNN_CHECK_CODE(graph_.output_size() == 1, ExitCode::kModel, "{}: the graph must have one output, not {}", source_,
                 graph_.output_size());
  CNN_CHECK_CODE(!layers_.empty(), ExitCode::kModel, "{}: the graph has no layer cnn can import", source_);
  const std::string& output = graph_.output(0).name();
  const auto produced = layer_of_.find(output);
  CNN_CHECK_CODE(produced != layer_of_.end() && produced->second == layers_.back()["name"].get<std::string>(), ExitCode::kModel,
                 "{}: the graph's output '{}' is not the output of its last layer", source_, output);

  ImportedModel model;
  try {
    model.spec = model_spec_from_json({{"input", input_shape_.dims()}, {"init", "he_normal"}, {"layers", layers_}});
  } catch (const Error& e) {  // an output nothing reads: a branch that does not reach the graph's output
    CNN_FAIL(ExitCode::kModel, "{}: the graph is not one network cnn can train: {}", source_, e.what());
  }
  model.net = build_net(model.spec);
  for (std::size_t l = 0; l < tensors_.size(); ++l) {
    std::vector<Param> wanted = model.net->layer(l).params();
    for (const Param& p : model.net->layer(l).state()) wanted.push_back(p);
    for (const Param& p : wanted) {
      const auto it = std::find_if(tensors_[l].begin(), tensors_[l].end(), [&](const auto& t) { return t.first == p.name; });
      CNN_CHECK(it != tensors_[l].end(), "{}: no tensor for {}.{}", source_, model.net->layer_name(l), p.name);
      CNN_CHECK_CODE(it->second.shape() == p.value->shape(), ExitCode::kModel, "{}: {}.{} is {} in the graph, {} in cnn's layer", source_,
                     model.net->layer_name(l), p.name, it->second.shape().str(), p.value->shape().str());
      std::copy(it->second.data(), it->second.data() + it->second.size(), p.value->data());
    }
  }
  return model;
}

}  // namespace

ImportedModel import_onnx(const std::string& bytes, const std::string& source) {
  onnx::ModelProto proto;
  CNN_CHECK_CODE(proto.ParseFromString(bytes), ExitCode::kModel, "{}: not an ONNX model (protobuf could not parse it)", source);
  std::int64_t opset = -1;
  for (const onnx::OperatorSetIdProto& o : proto.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = o.version();
  CNN_CHECK_CODE(opset >= kMinOpset && opset <= kMaxOpset, ExitCode::kModel,
                 "{}: opset {} of the default domain; cnn imports opsets {} to {}", source, opset, kMinOpset, kMaxOpset);
  try {
    onnx::checker::check_model(proto);
  } catch (const std::exception& e) {
    CNN_FAIL(ExitCode::kModel, "{}: ONNX's checker refuses the model: {}", source, e.what());
  }
  return Importer(proto.graph(), source).run();
}

}  // namespace cnn
