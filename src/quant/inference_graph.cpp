// build_inference_graph(): see inference_graph.hpp. One pass over the layers in file order; each
// layer becomes an op, or passes its input's value on (dropout, flatten, a folded batch norm, a
// ReLU fused into the op before).
#include "quant/inference_graph.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "layers/conv2d.hpp"
#include "ops/activation.hpp"
#include "runtime/layer_tensors.hpp"

namespace cnn {

std::string ElementwiseFunction::name() const {
  return leaky_relu ? fmt::format("leaky_relu (slope {:g})", slope) : activation_name(activation);
}

void ElementwiseFunction::apply(const float* x, float* y, std::size_t n) const {
  if (leaky_relu) {  // as LeakyRelu::forward: x times 1 or the slope
    for (std::size_t i = 0; i < n; ++i) y[i] = x[i] * (x[i] > 0.0f ? 1.0f : slope);
  } else {
    activation_forward(activation, x, y, n);
  }
}

namespace {

// Padding before an axis for a pool of `out` windows (same: TensorFlow's, the odd extra one after).
int pool_pad_before(const std::string& padding, int in, int kernel, int stride, int out) {
  return padding == "same" ? std::max((out - 1) * stride + kernel - in, 0) / 2 : 0;
}

class Builder {
 public:
  explicit Builder(LoadedModel& model) : model_(model), net_(*model.net) {}

  InferenceGraph run() {
    g_.input = net_.input_shape();
    g_.values.push_back(g_.input);
    g_.normalization = model_.data.normalization;
    const std::size_t n = net_.layer_count();
    layer_value_.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i) add_layer(i);
    g_.output = layer_value_[n - 1];
    return std::move(g_);
  }

 private:
  std::string kind(std::size_t i) const { return model_.spec.layers[i].kind; }
  const nlohmann::json& options(std::size_t i) const { return model_.spec.layers[i].options; }
  const std::string& name(std::size_t i) const { return net_.layer_name(i); }
  int input_value(std::size_t i, std::size_t k = 0) const {
    const int in = net_.layer_inputs(i)[k];
    return in == kNetworkInput ? 0 : layer_value_[static_cast<std::size_t>(in)];
  }
  const Shape& value_shape(int v) const { return g_.values[static_cast<std::size_t>(v)]; }

  // A batch norm folds into the conv or dense layer it reads when that layer has no activation and
  // nothing else reads it.
  bool folds(std::size_t i) const {
    if (kind(i) != "batch_norm") return false;
    const int in = net_.layer_inputs(i)[0];
    if (in == kNetworkInput) return false;
    const auto p = static_cast<std::size_t>(in);
    return (kind(p) == "conv" || kind(p) == "dense") && activation_of(p) == Activation::kNone && readers(in) == 1;
  }
  bool passes_value_on(std::size_t i) const { return kind(i) == "dropout" || kind(i) == "flatten" || folds(i); }
  int readers(int layer) const {
    int count = 0;
    for (std::size_t j = 0; j < net_.layer_count(); ++j)
      for (int in : net_.layer_inputs(j)) count += in == layer ? 1 : 0;
    return count;
  }
  // The layers that read layer's value, through the layers that pass it on.
  int value_readers(int layer) const {
    int count = 0;
    for (std::size_t j = 0; j < net_.layer_count(); ++j)
      for (int in : net_.layer_inputs(j))
        if (in == layer) count += passes_value_on(j) ? value_readers(static_cast<int>(j)) : 1;
    return count;
  }
  Activation activation_of(std::size_t i) const {
    Activation a = Activation::kNone;
    const std::string s = options(i).value("activation", "none");
    CNN_CHECK_CODE(kActivationNames.parse(s, &a), ExitCode::kModel, "{}: activation '{}' has no inference form", name(i), s);
    return a;
  }

  int push(InferenceOp op, std::size_t layer) {
    op.layer = static_cast<int>(layer);
    g_.ops.push_back(std::move(op));
    g_.values.push_back(g_.ops.back().shape);
    return static_cast<int>(g_.values.size()) - 1;
  }
  InferenceOp& op_writing(int value) { return g_.ops[static_cast<std::size_t>(value) - 1]; }

  // An activation after the op that wrote `value` (layer i's): fused when ReLU, else an op.
  int activate(std::size_t i, int value, const ElementwiseFunction& f, bool fusable) {
    if (f.activation == Activation::kNone && !f.leaky_relu) return value;
    InferenceOp& producer = op_writing(value);
    if (f.activation == Activation::kRelu && !f.leaky_relu && fusable && !producer.relu &&
        (producer.kind == InferenceOpKind::kConv || producer.kind == InferenceOpKind::kDense ||
         producer.kind == InferenceOpKind::kScaleShift || producer.kind == InferenceOpKind::kAdd)) {
      producer.relu = true;
      if (producer.name != name(i)) {
        g_.folded.push_back(name(i) + " into " + producer.name);
        producer.name += " + " + name(i);
      }
      return value;
    }
    InferenceOp op;
    op.kind = InferenceOpKind::kElementwise;
    op.name = producer.name == name(i) ? name(i) + " (" + f.name() + ")" : name(i);
    op.inputs = {value};
    op.input_shape = op.shape = value_shape(value);
    op.function = f;
    return push(std::move(op), i);
  }

  void add_conv(std::size_t i) {
    auto& conv = dynamic_cast<Conv2d&>(net_.layer(i));
    InferenceOp op;
    op.kind = InferenceOpKind::kConv;
    op.name = name(i);
    op.inputs = {input_value(i)};
    op.input_shape = value_shape(op.inputs[0]);
    op.shape = net_.layer_output_shape(i);
    op.conv = conv.geometry();
    op.groups = options(i).value("groups", 1);
    const Tensor& w = layer_tensor(net_.layer(i), "weight", name(i));
    op.weight.assign(w.data(), w.data() + w.size());
    op.bias.assign(static_cast<std::size_t>(op.shape[0]), 0.0f);
    if (options(i).value("bias", true)) {
      const Tensor& b = layer_tensor(net_.layer(i), "bias", name(i));
      op.bias.assign(b.data(), b.data() + b.size());
    }
    const int v = push(std::move(op), i);
    layer_value_[i] = activate(i, v, {activation_of(i)}, /*fusable=*/true);  // its own activation: nothing reads z
  }

  void add_dense(std::size_t i) {
    InferenceOp op;
    op.kind = InferenceOpKind::kDense;
    op.name = name(i);
    op.inputs = {input_value(i)};
    op.input_shape = Shape{static_cast<int>(value_shape(op.inputs[0]).numel())};
    op.shape = net_.layer_output_shape(i);
    const Tensor &w = layer_tensor(net_.layer(i), "weight", name(i)), &b = layer_tensor(net_.layer(i), "bias", name(i));
    op.weight.assign(w.data(), w.data() + w.size());
    op.bias.assign(b.data(), b.data() + b.size());
    const int v = push(std::move(op), i);
    layer_value_[i] = activate(i, v, {activation_of(i)}, /*fusable=*/true);
  }

  // gamma / sqrt(var + eps) and beta - mean gamma / sqrt(var + eps) per channel, in double.
  void batch_norm_factors(std::size_t i, std::vector<double>& scale, std::vector<double>& shift) const {
    Layer& layer = net_.layer(i);
    const Tensor &gamma = layer_tensor(layer, "weight", name(i)), &beta = layer_tensor(layer, "bias", name(i));
    const Tensor &mean = layer_tensor(layer, "running_mean", name(i)), &var = layer_tensor(layer, "running_var", name(i));
    const double eps = options(i).at("eps").get<double>();
    scale.resize(gamma.size());
    shift.resize(gamma.size());
    for (std::size_t c = 0; c < gamma.size(); ++c) {
      scale[c] = gamma[c] / std::sqrt(static_cast<double>(var[c]) + eps);
      shift[c] = beta[c] - mean[c] * scale[c];
    }
  }

  void add_batch_norm(std::size_t i) {
    std::vector<double> scale, shift;
    batch_norm_factors(i, scale, shift);
    const int in = input_value(i);
    if (folds(i)) {  // w' = w scale, b' = b scale + shift, filter by filter (unit by unit)
      InferenceOp& op = op_writing(in);
      const std::size_t outputs = scale.size(), per_output = op.weight.size() / outputs;
      for (std::size_t f = 0; f < outputs; ++f) {
        for (std::size_t k = 0; k < per_output; ++k)
          op.weight[f * per_output + k] = static_cast<float>(op.weight[f * per_output + k] * scale[f]);
        op.bias[f] = static_cast<float>(op.bias[f] * scale[f] + shift[f]);
      }
      g_.folded.push_back(name(i) + " into " + op.name);
      op.name += " + " + name(i);
      layer_value_[i] = in;
      return;
    }
    InferenceOp op;
    op.kind = InferenceOpKind::kScaleShift;
    op.name = name(i);
    op.inputs = {in};
    op.input_shape = op.shape = net_.layer_output_shape(i);
    for (std::size_t c = 0; c < scale.size(); ++c) {
      op.weight.push_back(static_cast<float>(scale[c]));
      op.bias.push_back(static_cast<float>(shift[c]));
    }
    layer_value_[i] = push(std::move(op), i);
  }

  void add_pool(std::size_t i) {
    const nlohmann::json& o = options(i);
    const Shape &in = value_shape(input_value(i)), &out = net_.layer_output_shape(i);
    const std::string padding = o.value("padding", "valid"), type = o.at("type").get<std::string>();
    CNN_CHECK_CODE(padding == "valid" || padding == "same", ExitCode::kModel, "{}: pool padding '{}' has no inference form",
                   name(i), padding);
    CNN_CHECK_CODE(type == "max" || type == "avg", ExitCode::kModel, "{}: pool type '{}' has no inference form", name(i), type);
    InferenceOp op;
    op.kind = InferenceOpKind::kPool;
    op.name = name(i);
    op.inputs = {input_value(i)};
    op.input_shape = in;
    op.shape = out;
    PoolWindows& p = op.pool;
    p.kernel_h = o.at("size").at(0).get<int>();
    p.kernel_w = o.at("size").at(1).get<int>();
    p.stride_h = o.at("stride").at(0).get<int>();
    p.stride_w = o.at("stride").at(1).get<int>();
    p.pad_top = pool_pad_before(padding, in[1], p.kernel_h, p.stride_h, out[1]);
    p.pad_left = pool_pad_before(padding, in[2], p.kernel_w, p.stride_w, out[2]);
    p.max = type == "max";
    layer_value_[i] = push(std::move(op), i);
  }

  void add_simple(std::size_t i, InferenceOpKind kind) {  // global pools, add, concat
    InferenceOp op;
    op.kind = kind;
    op.name = name(i);
    for (std::size_t k = 0; k < net_.layer_inputs(i).size(); ++k) op.inputs.push_back(input_value(i, k));
    op.input_shape = value_shape(op.inputs[0]);
    op.shape = net_.layer_output_shape(i);
    layer_value_[i] = push(std::move(op), i);
  }

  void add_activation_layer(std::size_t i, const ElementwiseFunction& f) {
    const int in = net_.layer_inputs(i)[0];
    // Fused only where this layer is the one reader of the value (through dropout and the like).
    int origin = in;
    while (origin != kNetworkInput && passes_value_on(static_cast<std::size_t>(origin))) origin = net_.layer_inputs(static_cast<std::size_t>(origin))[0];
    const bool only_reader = in != kNetworkInput && origin != kNetworkInput && value_readers(origin) == 1 &&
                             !passes_value_on(static_cast<std::size_t>(origin));
    const int v = input_value(i);
    if (v == 0) {
      InferenceOp op;
      op.kind = InferenceOpKind::kElementwise;
      op.name = name(i);
      op.inputs = {0};
      op.input_shape = op.shape = g_.input;
      op.function = f;
      layer_value_[i] = push(std::move(op), i);
      return;
    }
    layer_value_[i] = activate(i, v, f, only_reader);
  }

  void add_layer(std::size_t i) {
    const std::string k = kind(i);
    CNN_CHECK_CODE(net_.layer_inputs(i).size() == 1 || k == "add" || k == "concat", ExitCode::kModel,
                   "layer {} ({}) of kind '{}' reads several layers and has no inference form", i + 1, name(i), k);
    if (k == "conv") {
      add_conv(i);
    } else if (k == "dense") {
      add_dense(i);
    } else if (k == "batch_norm") {
      add_batch_norm(i);
    } else if (k == "pool") {
      add_pool(i);
    } else if (k == "dropout" || k == "flatten") {
      layer_value_[i] = input_value(i);
    } else if (k == "global_avg_pool") {
      add_simple(i, InferenceOpKind::kGlobalAvgPool);
    } else if (k == "global_max_pool") {
      add_simple(i, InferenceOpKind::kGlobalMaxPool);
    } else if (k == "add") {
      add_simple(i, InferenceOpKind::kAdd);
    } else if (k == "concat") {
      add_simple(i, InferenceOpKind::kConcat);
    } else if (k == "relu" || k == "tanh" || k == "sigmoid" || k == "scaled_tanh" || k == "silu") {
      ElementwiseFunction f;
      kActivationNames.parse(k, &f.activation);
      add_activation_layer(i, f);
    } else if (k == "gelu") {
      ElementwiseFunction f;
      f.activation = options(i).value("approximate", "none") == "tanh" ? Activation::kGeluTanh : Activation::kGelu;
      add_activation_layer(i, f);
    } else if (k == "leaky_relu") {
      ElementwiseFunction f;
      f.leaky_relu = true;
      f.slope = options(i).at("slope").get<float>();
      add_activation_layer(i, f);
    } else {
      CNN_FAIL(ExitCode::kModel, "layer {} ({}) of kind '{}' has no inference form in this version of cnn", i + 1, name(i), k);
    }
  }

  LoadedModel& model_;
  Net& net_;
  InferenceGraph g_;
  std::vector<int> layer_value_;  // layer i's output: a value number
};

}  // namespace

InferenceGraph build_inference_graph(LoadedModel& model) {
  CNN_CHECK(model.spec.layers.size() == model.net->layer_count(), "the network does not match its architecture");
  const Shape& in = model.net->input_shape();
  CNN_CHECK_CODE(in.rank() == 3 || in.rank() == 1, ExitCode::kModel, "an input of shape {} has no inference form", in.str());
  return Builder(model).run();
}

}  // namespace cnn
