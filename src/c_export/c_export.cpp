// export_c(): see c_export.hpp. Three steps: plan where each layer's output lives (its own value,
// its input's for dropout and flatten, the conv's for a folded batch norm), give the values static
// buffers by their lifetimes, then write each layer as calls of the kernels in c_kernels.cpp.
#include "c_export/c_export.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <set>

#include "c_export/c_kernels.hpp"
#include "c_export/c_literals.hpp"
#include "core/error.hpp"
#include "layers/conv2d.hpp"
#include "ops/activation_kind.hpp"
#include "runtime/layer_tensors.hpp"
#include "runtime/model_data_info.hpp"

namespace cnn {
namespace {

constexpr int kInput = -1;  // the value of the network's input (normalised, where the model normalises)

int int_size(std::size_t n, const std::string& what) {
  CNN_CHECK_CODE(n <= static_cast<std::size_t>(INT_MAX / 2), ExitCode::kModel,
                 "{}: {} values do not fit the generated C's int sizes", what, n);
  return static_cast<int>(n);
}

// Padding before an axis for a pool of `out` windows (same: TensorFlow's, the odd extra one after).
int pool_pad_before(const std::string& padding, int in, int kernel, int stride, int out) {
  return padding == "same" ? std::max((out - 1) * stride + kernel - in, 0) / 2 : 0;
}

bool elementwise(const std::string& kind) {
  static const std::set<std::string> kinds = {"relu", "tanh", "sigmoid", "scaled_tanh", "silu", "gelu", "leaky_relu",
                                              "batch_norm", "add"};
  return kinds.count(kind) > 0;
}

// The kernel that applies an activation in place; empty for none.
std::string activation_kernel(Activation a) {
  switch (a) {
    case Activation::kNone: return "";
    case Activation::kRelu: return "act_relu";
    case Activation::kTanh: return "act_tanh";
    case Activation::kSigmoid: return "act_sigmoid";
    case Activation::kScaledTanh: return "act_scaled_tanh";
    case Activation::kSilu: return "act_silu";
    case Activation::kGelu: return "act_gelu";
    case Activation::kGeluTanh: return "act_gelu_tanh";
  }
  return "";
}

Activation activation_option(const nlohmann::json& options, const std::string& layer) {
  Activation a = Activation::kNone;
  const std::string name = options.value("activation", "none");
  CNN_CHECK_CODE(kActivationNames.parse(name, &a), ExitCode::kModel, "{}: activation '{}' has no C form", layer, name);
  return a;
}

class Writer {
 public:
  Writer(LoadedModel& model, const CExportOptions& o) : model_(model), net_(*model.net), o_(o) {}

  CExport run() {
    plan_values();
    plan_buffers();
    write_layers();
    return finish();
  }

 private:
  // --- planning -----------------------------------------------------------------------------
  std::string kind(std::size_t i) const { return model_.spec.layers[i].kind; }
  const nlohmann::json& options(std::size_t i) const { return model_.spec.layers[i].options; }
  const std::string& name(std::size_t i) const { return net_.layer_name(i); }
  int first_input(std::size_t i) const { return net_.layer_inputs(i)[0]; }
  const Shape& input_shape(std::size_t i) const {
    const int in = first_input(i);
    return in == kNetworkInput ? net_.input_shape() : net_.layer_output_shape(static_cast<std::size_t>(in));
  }
  int readers(int layer) const {
    int n = 0;
    for (std::size_t j = 0; j < net_.layer_count(); ++j)
      for (int in : net_.layer_inputs(j)) n += in == layer ? 1 : 0;
    return n;
  }

  // value_[i]: the layer whose own output layer i's output is (i itself, or what it passes on).
  void plan_values() {
    const std::size_t n = net_.layer_count();
    value_.assign(n, 0);
    folded_into_.assign(n, -1);
    for (std::size_t i = 0; i < n; ++i) {
      CNN_CHECK_CODE(net_.layer_inputs(i).size() == 1 || kind(i) == "add" || kind(i) == "concat", ExitCode::kModel,
                     "{}: layer {} ({}) of kind '{}' reads several layers and has no C form", o_.source_name, i + 1, name(i),
                     kind(i));
      value_[i] = static_cast<int>(i);
      const int in = first_input(i);
      const int in_value = in == kNetworkInput ? kInput : value_[static_cast<std::size_t>(in)];
      if (kind(i) == "dropout" || kind(i) == "flatten") value_[i] = in_value;
      // A batch norm right on a conv without activation that nothing else reads: the conv's
      // weights and bias take it in (c_export.hpp).
      if (kind(i) == "batch_norm" && in != kNetworkInput && kind(static_cast<std::size_t>(in)) == "conv" &&
          activation_option(options(static_cast<std::size_t>(in)), name(static_cast<std::size_t>(in))) == Activation::kNone &&
          readers(in) == 1 && value_[static_cast<std::size_t>(in)] == in) {
        folded_into_[static_cast<std::size_t>(in)] = static_cast<int>(i);
        value_[i] = in;
      }
    }
  }

  int value_of_input(int input) const { return input == kNetworkInput ? kInput : value_[static_cast<std::size_t>(input)]; }

  // Each value gets a buffer from its layer until the last layer that reads it (the last layer's
  // until the end); a buffer is reused once its value is dead, or at once by an element-wise
  // layer whose first input dies there.
  void plan_buffers() {
    const std::size_t n = net_.layer_count();
    std::vector<int> last_use(n, -1);
    for (std::size_t j = 0; j < n; ++j)
      for (int in : net_.layer_inputs(j)) {
        const int v = value_of_input(in);
        if (v != kInput) last_use[static_cast<std::size_t>(v)] = std::max(last_use[static_cast<std::size_t>(v)], static_cast<int>(j));
      }
    last_use[static_cast<std::size_t>(value_[n - 1])] = static_cast<int>(n);  // softmax reads it at the end
    buffer_of_.assign(n, -1);
    std::vector<int> holder;  // per buffer, the value in it (-1: free)
    for (std::size_t i = 0; i < n; ++i) {
      if (value_[i] != static_cast<int>(i)) continue;
      const std::size_t floats = net_.layer_output_shape(i).numel();
      int_size(floats, name(i));
      int chosen = -1;
      const int in_value = value_of_input(first_input(i));
      int reads_of_first = 0;  // an add may read its first input again: then not in place
      for (int in : net_.layer_inputs(i)) reads_of_first += value_of_input(in) == in_value ? 1 : 0;
      if (elementwise(kind(i)) && in_value != kInput && reads_of_first == 1 &&
          last_use[static_cast<std::size_t>(in_value)] == static_cast<int>(i)) {
        chosen = buffer_of_[static_cast<std::size_t>(in_value)];  // in place
      } else {
        for (std::size_t b = 0; b < holder.size() && chosen < 0; ++b)
          if (holder[b] < 0 || last_use[static_cast<std::size_t>(holder[b])] < static_cast<int>(i)) chosen = static_cast<int>(b);
        if (chosen < 0) {
          chosen = static_cast<int>(holder.size());
          holder.push_back(-1);
          buffers_.emplace_back();
        }
      }
      holder[static_cast<std::size_t>(chosen)] = static_cast<int>(i);
      buffer_of_[i] = chosen;
      CBuffer& b = buffers_[static_cast<std::size_t>(chosen)];
      b.floats = std::max(b.floats, floats);
      b.layers.push_back(name(i));
    }
  }

  // --- writing ------------------------------------------------------------------------------
  std::string buffer_name(int b) const { return fmt::format("buffer{}", b); }
  std::string value_expr(int value) const {
    if (value == kInput) return normalized_ ? "normalized" : "input";
    return buffer_name(buffer_of_[static_cast<std::size_t>(value)]);
  }
  std::string input_expr(std::size_t i, std::size_t k = 0) const { return value_expr(value_of_input(net_.layer_inputs(i)[k])); }
  std::string output_expr(std::size_t i) const { return value_expr(value_[i]); }

  std::string array(const std::string& label, const float* values, std::size_t count) {
    const std::string id = fmt::format("weights{}", arrays_++);
    weights_ += fmt::format("/* {} */\n", label) + c_float_array(id, values, count);
    weight_bytes_ += count * sizeof(float);
    return id;
  }
  std::string array(const std::string& label, const std::vector<float>& values) { return array(label, values.data(), values.size()); }
  void call(const std::string& kernel, const std::string& line) {
    kernels_.insert(kernel);
    body_ += "    " + line + "\n";
  }
  void activate(Activation a, const std::string& y, std::size_t count) {
    const std::string k = activation_kernel(a);
    if (!k.empty()) call(k, fmt::format("{}({}, {});", k, y, count));
  }

  void write_input() {
    const ModelDataInfo data = model_data_info(model_.spec, model_.data);
    const Shape& in = net_.input_shape();
    CNN_CHECK_CODE(in.rank() == 3 || in.rank() == 1, ExitCode::kModel, "{}: an input of shape {} has no C form", o_.source_name,
                   in.str());
    if (!data.normalization.enabled()) return;
    const int channels = in.rank() == 3 ? in[0] : 1;
    CNN_CHECK_CODE(static_cast<int>(data.normalization.mean.size()) == channels && static_cast<int>(data.normalization.std.size()) == channels,
                   ExitCode::kModel, "{}: its normalisation has not one mean and std per input channel", o_.source_name);
    normalized_ = true;
    const std::string mean = array("input normalisation: mean per channel", data.normalization.mean);
    const std::string deviation = array("input normalisation: standard deviation per channel", data.normalization.std);
    normalized_floats_ = in.numel();
    call("normalize", fmt::format("normalize(input, {}, {}, {}, {}, normalized);", channels, in.numel() / channels, mean, deviation));
  }

  void write_conv(std::size_t i) {
    auto& conv = dynamic_cast<Conv2d&>(net_.layer(i));
    const ConvGeometry& g = conv.geometry();
    const nlohmann::json& o = options(i);
    const int filters = o.at("filters").get<int>(), groups = o.value("groups", 1);
    const Tensor& weight = layer_tensor(net_.layer(i), "weight", name(i));
    std::vector<float> w(weight.data(), weight.data() + weight.size());
    std::vector<float> b;
    if (o.value("bias", true)) {
      const Tensor& bias = layer_tensor(net_.layer(i), "bias", name(i));
      b.assign(bias.data(), bias.data() + bias.size());
    }
    std::string label = fmt::format("{}: conv weight ({}, {}, {}, {})", name(i), filters, g.channels / groups, g.kernel_h, g.kernel_w);
    if (folded_into_[i] >= 0) {  // w' = w gamma / sqrt(var + eps), b' = (b - mean) gamma / sqrt(var + eps) + beta
      const std::size_t bn = static_cast<std::size_t>(folded_into_[i]);
      Layer& norm = net_.layer(bn);
      const Tensor &gamma = layer_tensor(norm, "weight", name(bn)), &beta = layer_tensor(norm, "bias", name(bn));
      const Tensor &mean = layer_tensor(norm, "running_mean", name(bn)), &var = layer_tensor(norm, "running_var", name(bn));
      const double eps = options(bn).at("eps").get<double>();
      if (b.empty()) b.assign(static_cast<std::size_t>(filters), 0.0f);
      const std::size_t per_filter = w.size() / static_cast<std::size_t>(filters);
      for (std::size_t f = 0; f < static_cast<std::size_t>(filters); ++f) {
        const double scale = gamma[f] / std::sqrt(static_cast<double>(var[f]) + eps);
        for (std::size_t k = 0; k < per_filter; ++k) w[f * per_filter + k] = static_cast<float>(w[f * per_filter + k] * scale);
        b[f] = static_cast<float>((b[f] - mean[f]) * scale + beta[f]);
      }
      label += fmt::format(", {} folded in", name(bn));
      folded_.push_back(name(bn) + " into " + name(i));
    }
    const std::string wid = array(label, w);
    const std::string bid = b.empty() ? "0" : array(name(i) + ": conv bias", b);
    const std::string y = output_expr(i);
    call("conv2d", fmt::format("conv2d({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});", input_expr(i),
                               g.channels, g.height, g.width, wid, bid, filters, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w,
                               g.pad_top, g.pad_left, g.dilation_h, g.dilation_w, groups, g.out_h, g.out_w, y));
    activate(activation_option(options(i), name(i)), y, net_.layer_output_shape(i).numel());
  }

  void write_pool(std::size_t i) {
    const nlohmann::json& o = options(i);
    const Shape &in = input_shape(i), &out = net_.layer_output_shape(i);
    const int kh = o.at("size").at(0).get<int>(), kw = o.at("size").at(1).get<int>();
    const int sh = o.at("stride").at(0).get<int>(), sw = o.at("stride").at(1).get<int>();
    const std::string padding = o.value("padding", "valid"), type = o.at("type").get<std::string>();
    CNN_CHECK_CODE(padding == "valid" || padding == "same", ExitCode::kModel, "{}: pool padding '{}' has no C form", name(i), padding);
    CNN_CHECK_CODE(type == "max" || type == "avg", ExitCode::kModel, "{}: pool type '{}' has no C form", name(i), type);
    call("pool2d", fmt::format("pool2d({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});", input_expr(i), in[0], in[1], in[2],
                               kh, kw, sh, sw, pool_pad_before(padding, in[1], kh, sh, out[1]),
                               pool_pad_before(padding, in[2], kw, sw, out[2]), out[1], out[2], type == "max" ? 1 : 0,
                               output_expr(i)));
  }

  void write_dense(std::size_t i) {
    const Tensor &weight = layer_tensor(net_.layer(i), "weight", name(i)), &bias = layer_tensor(net_.layer(i), "bias", name(i));
    const std::size_t units = net_.layer_output_shape(i).numel(), d = input_shape(i).numel();
    const std::string wid = array(fmt::format("{}: dense weight ({}, {})", name(i), units, d), weight.data(), weight.size());
    const std::string bid = array(name(i) + ": dense bias", bias.data(), bias.size());
    call("dense", fmt::format("dense({}, {}, {}, {}, {}, {});", input_expr(i), d, wid, bid, units, output_expr(i)));
    activate(activation_option(options(i), name(i)), output_expr(i), units);
  }

  void write_batch_norm(std::size_t i) {
    Layer& layer = net_.layer(i);
    const Tensor &gamma = layer_tensor(layer, "weight", name(i)), &beta = layer_tensor(layer, "bias", name(i));
    const Tensor &mean = layer_tensor(layer, "running_mean", name(i)), &var = layer_tensor(layer, "running_var", name(i));
    const double eps = options(i).at("eps").get<double>();
    std::vector<float> scale(gamma.size()), shift(gamma.size());
    for (std::size_t c = 0; c < gamma.size(); ++c) {  // as BatchNorm's inference forward folds them
      const double inv_std = 1.0 / std::sqrt(static_cast<double>(var[c]) + eps);
      scale[c] = static_cast<float>(gamma[c] * inv_std);
      shift[c] = static_cast<float>(beta[c] - mean[c] * gamma[c] * inv_std);
    }
    const Shape& s = net_.layer_output_shape(i);
    const std::size_t channels = static_cast<std::size_t>(s[0]);
    call("scale_shift", fmt::format("scale_shift({}, {}, {}, {}, {}, {});", input_expr(i), channels, s.numel() / channels,
                                    array(name(i) + ": batch norm scale", scale), array(name(i) + ": batch norm shift", shift),
                                    output_expr(i)));
  }

  void write_activation(std::size_t i, Activation a) {
    const std::string x = input_expr(i), y = output_expr(i);
    const std::size_t count = net_.layer_output_shape(i).numel();
    if (x != y) call("concat_into", fmt::format("concat_into({}, {}, {});", x, count, y));
    activate(a, y, count);
  }

  void write_global_pool(std::size_t i, const char* kernel) {
    const Shape& in = input_shape(i);
    call(kernel, fmt::format("{}({}, {}, {}, {});", kernel, input_expr(i), in[0], in.numel() / static_cast<std::size_t>(in[0]),
                             output_expr(i)));
  }

  void write_add(std::size_t i) {
    const std::size_t count = net_.layer_output_shape(i).numel(), inputs = net_.layer_inputs(i).size();
    const std::string y = output_expr(i);
    call("add", fmt::format("add({}, {}, {}, {});", input_expr(i, 0), input_expr(i, 1), count, y));
    for (std::size_t k = 2; k < inputs; ++k) call("add", fmt::format("add({}, {}, {}, {});", y, input_expr(i, k), count, y));
  }

  void write_concat(std::size_t i) {
    std::size_t offset = 0;
    for (std::size_t k = 0; k < net_.layer_inputs(i).size(); ++k) {
      const int in = net_.layer_inputs(i)[k];
      const std::size_t count = in == kNetworkInput ? net_.input_shape().numel() : net_.layer_output_shape(static_cast<std::size_t>(in)).numel();
      call("concat_into", fmt::format("concat_into({}, {}, {} + {});", input_expr(i, k), count, output_expr(i), offset));
      offset += count;
    }
  }

  void write_layers() {
    write_input();
    for (std::size_t i = 0; i < net_.layer_count(); ++i) {
      const std::string k = kind(i);
      body_ += fmt::format("    /* {}: {} {} -> {} */\n", name(i), k, input_shape(i).str(), net_.layer_output_shape(i).str());
      if (k == "conv") {
        write_conv(i);
      } else if (k == "pool") {
        write_pool(i);
      } else if (k == "dense") {
        write_dense(i);
      } else if (k == "flatten" || k == "dropout") {
        body_ += "    /* nothing to do: the values pass on as they are */\n";
      } else if (k == "batch_norm") {
        if (value_[i] != static_cast<int>(i)) {
          body_ += "    /* folded into the conv before */\n";
        } else {
          write_batch_norm(i);
        }
      } else if (k == "relu" || k == "tanh" || k == "sigmoid" || k == "scaled_tanh" || k == "silu") {
        Activation a = Activation::kNone;
        kActivationNames.parse(k, &a);
        write_activation(i, a);
      } else if (k == "gelu") {
        write_activation(i, options(i).value("approximate", "none") == "tanh" ? Activation::kGeluTanh : Activation::kGelu);
      } else if (k == "leaky_relu") {
        call("leaky_relu", fmt::format("leaky_relu({}, {}, {}, {});", input_expr(i), net_.layer_output_shape(i).numel(),
                                       c_float(options(i).at("slope").get<float>()), output_expr(i)));
      } else if (k == "global_avg_pool") {
        write_global_pool(i, "global_avg_pool");
      } else if (k == "global_max_pool") {
        write_global_pool(i, "global_max_pool");
      } else if (k == "add") {
        write_add(i);
      } else if (k == "concat") {
        write_concat(i);
      } else {
        CNN_FAIL(ExitCode::kModel, "{}: layer {} ({}) of kind '{}' has no C form in this version of cnn", o_.source_name, i + 1,
                 name(i), k);
      }
    }
    const std::size_t last = net_.layer_count() - 1;
    call("softmax", fmt::format("return softmax({}, {}, probabilities);", output_expr(last), net_.output_shape().numel()));
  }

  // --- the files ----------------------------------------------------------------------------
  CExport finish() {
    const ModelDataInfo data = model_data_info(model_.spec, model_.data);
    const std::string upper = [&] {
      std::string u = o_.name;
      for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return u;
    }();
    const Shape& in = net_.input_shape();
    const int channels = in.rank() == 3 ? in[0] : 1, height = in.rank() == 3 ? in[1] : 1, width = in.rank() == 3 ? in[2] : in[0];
    const std::size_t classes = net_.output_shape().numel();
    CExport out;
    out.weight_bytes = weight_bytes_;
    for (const CBuffer& b : buffers_) out.ram_bytes += b.floats * sizeof(float);
    out.ram_bytes += normalized_floats_ * sizeof(float);
    out.buffers = buffers_;
    for (CBuffer& b : out.buffers) b.bytes = b.floats * sizeof(float);
    std::stable_sort(out.buffers.begin(), out.buffers.end(), [](const CBuffer& a, const CBuffer& b) { return a.bytes > b.bytes; });
    out.folded = folded_;

    std::string& h = out.header;
    h += fmt::format("/* {}.h: a network trained by cnn, as plain C99 (written by cnn " CNN_VERSION " from {}).\n", o_.name,
                     c_comment(o_.source_name));
    h += " *\n * int " + o_.name + "_predict(const float *input, float *probabilities);\n *\n";
    h += fmt::format(" * input: {} floats, the image as {} x {} x {} (channels, rows, columns), each value in [0, 1]\n", in.numel(),
                     channels, height, width);
    h += " * as cnn's network sees it after `cnn predict`'s preparation and before its normalisation\n";
    h += c_comment_lines("(" + c_comment(data.preparation) + ": " + c_comment(data.preparation_detail) + ").");
    if (data.normalization.enabled()) h += " * " + o_.name + "_predict applies the model's normalisation itself.\n";
    h += fmt::format(" * probabilities: {} floats, one per class; returns the most probable class.\n *\n", classes);
    h += fmt::format(" * Memory: {} bytes of weights (static const: flash on a microcontroller), {} bytes of\n", out.weight_bytes,
                     out.ram_bytes);
    h += " * activations in static buffers (RAM), nothing on the heap. Not reentrant: one call at a time.\n */\n";
    h += fmt::format("#ifndef {0}_H\n#define {0}_H\n\n", upper);
    h += fmt::format("#define {}_CHANNELS {}\n#define {}_HEIGHT {}\n#define {}_WIDTH {}\n#define {}_CLASSES {}\n", upper, channels,
                     upper, height, upper, width, upper, classes);
    h += fmt::format("#define {}_WEIGHT_BYTES {}\n#define {}_RAM_BYTES {}\n\n", upper, out.weight_bytes, upper, out.ram_bytes);
    h += fmt::format("/* The class names, by output index. */\nextern const char *const {}_class_names[{}_CLASSES];\n\n", o_.name, upper);
    h += fmt::format("int {}_predict(const float *input, float *probabilities);\n\n#endif\n", o_.name);

    std::string& s = out.source;
    s += fmt::format("/* {}.c: see {}.h (written by cnn " CNN_VERSION " from {}). */\n", o_.name, o_.name, c_comment(o_.source_name));
    s += fmt::format("#include \"{}.h\"\n", o_.name);
    const bool math = std::any_of(kernels_.begin(), kernels_.end(), [](const std::string& k) { return c_kernel_uses_math(k); });
    if (math) s += "\n#include <math.h>\n";
    s += "\nconst char *const " + o_.name + "_class_names[" + upper + "_CLASSES] = {";
    for (std::size_t c = 0; c < classes; ++c) s += (c == 0 ? "" : ", ") + c_string(c < data.class_names.size() ? data.class_names[c] : std::to_string(c));
    s += "};\n\n" + weights_ + "\n";
    s += "/* Activations: each buffer holds the outputs of the layers named, one after another. */\n";
    if (normalized_) s += fmt::format("static float normalized[{}];\n", normalized_floats_);
    for (std::size_t b = 0; b < buffers_.size(); ++b) {
      std::string names;
      for (const std::string& l : buffers_[b].layers) names += (names.empty() ? "" : ", ") + l;
      s += fmt::format("static float {}[{}]; /* {} */\n", buffer_name(static_cast<int>(b)), buffers_[b].floats, names);
    }
    s += "\n" + c_kernel_source(std::vector<std::string>(kernels_.begin(), kernels_.end()));
    s += fmt::format("int {}_predict(const float *input, float *probabilities) {{\n", o_.name) + body_ + "}\n";
    return out;
  }

  LoadedModel& model_;
  Net& net_;
  const CExportOptions& o_;
  std::vector<int> value_, folded_into_, buffer_of_;
  std::vector<CBuffer> buffers_;
  std::vector<std::string> folded_;
  std::set<std::string> kernels_;
  std::string weights_, body_;
  std::size_t arrays_ = 0, weight_bytes_ = 0, normalized_floats_ = 0;
  bool normalized_ = false;
};

}  // namespace

CExport export_c(LoadedModel& model, const CExportOptions& options) {
  CNN_CHECK_CODE(is_c_identifier(options.name), ExitCode::kUsage,
                 "'{}' cannot name C symbols (the file name without .c must be a C identifier: letters, digits and '_', "
                 "not starting with a digit or '_', at most 31 characters, not a C keyword)",
                 options.name);
  CNN_CHECK(model.spec.layers.size() == model.net->layer_count(), "{}: the network does not match its architecture",
            options.source_name);
  try {
    return Writer(model, options).run();
  } catch (const Error& e) {
    if (e.code() == ExitCode::kInternal) throw;
    throw Error(e.code(), options.source_name + ": cannot export as C: " + e.what());
  }
}

}  // namespace cnn
