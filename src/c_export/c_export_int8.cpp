// export_c_int8(): see c_export.hpp. The quantized graph's values get static int8 buffers by their
// lifetimes (an element-wise op writes over its input where the input dies there), then each op
// becomes a call of a kernel of c_kernels_int8.cpp with its integers as static const arrays.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <climits>

#include "c_export/c_export.hpp"
#include "c_export/c_kernels.hpp"
#include "c_export/c_literals.hpp"
#include "core/error.hpp"
#include "runtime/model_data_info.hpp"

namespace cnn {
namespace {

int int_size(std::size_t n, const std::string& what) {
  CNN_CHECK_CODE(n <= static_cast<std::size_t>(INT_MAX / 2), ExitCode::kModel,
                 "{}: {} values do not fit the generated C's int sizes", what, n);
  return static_cast<int>(n);
}

template <typename T>
std::vector<long long> as_long_longs(const std::vector<T>& values) {
  return std::vector<long long>(values.begin(), values.end());
}

class Int8Writer {
 public:
  Int8Writer(LoadedModel& model, const QuantizedGraph& q, const CExportOptions& o) : model_(model), q_(q), g_(q.graph), o_(o) {}

  CExport run() {
    plan_buffers();
    for (std::size_t k = 0; k < g_.ops.size(); ++k) write_op(k);
    return finish();
  }

 private:
  int zero_point(int value) const { return q_.values[static_cast<std::size_t>(value)].zero_point; }
  std::string buffer(int value) const { return fmt::format("buffer{}", buffer_of_[static_cast<std::size_t>(value)]); }
  std::string value_name(int value) const {
    return value == 0 ? "input" : g_.ops[static_cast<std::size_t>(value) - 1].name;
  }

  // Value v lives from the op that writes it until the last op that reads it (the output until the end).
  void plan_buffers() {
    const std::size_t values = g_.values.size();
    std::vector<int> last_use(values, -1);
    for (std::size_t k = 0; k < g_.ops.size(); ++k)
      for (int v : g_.ops[k].inputs) last_use[static_cast<std::size_t>(v)] = static_cast<int>(k);
    last_use[static_cast<std::size_t>(g_.output)] = static_cast<int>(g_.ops.size());
    buffer_of_.assign(values, -1);
    std::vector<int> holder;  // per buffer, the value in it
    for (std::size_t v = 0; v < values; ++v) {
      const int written_by = static_cast<int>(v) - 1;  // the op's index; -1 for the input
      int chosen = -1;
      if (v > 0) {
        const InferenceOp& op = g_.ops[v - 1];
        const int first = op.inputs[0];
        const bool elementwise = op.kind == InferenceOpKind::kElementwise || op.kind == InferenceOpKind::kScaleShift ||
                                 op.kind == InferenceOpKind::kAdd;
        if (elementwise && std::count(op.inputs.begin(), op.inputs.end(), first) == 1 &&
            last_use[static_cast<std::size_t>(first)] == written_by)
          chosen = buffer_of_[static_cast<std::size_t>(first)];  // in place
      }
      for (std::size_t b = 0; b < holder.size() && chosen < 0; ++b)
        if (last_use[static_cast<std::size_t>(holder[b])] < written_by) chosen = static_cast<int>(b);
      if (chosen < 0) {
        chosen = static_cast<int>(holder.size());
        holder.push_back(-1);
        buffers_.emplace_back();
      }
      holder[static_cast<std::size_t>(chosen)] = static_cast<int>(v);
      buffer_of_[v] = chosen;
      CBuffer& b = buffers_[static_cast<std::size_t>(chosen)];
      b.floats = std::max<std::size_t>(b.floats, static_cast<std::size_t>(int_size(g_.values[v].numel(), value_name(static_cast<int>(v)))));
      b.layers.push_back(value_name(static_cast<int>(v)));
    }
  }

  std::string array(const std::string& label, const std::string& type, const std::vector<long long>& values, std::size_t bytes_each) {
    const std::string id = fmt::format("{}{}", type == "int8_t" ? "w" : type == "int32_t" ? "i" : "u", arrays_++);
    arrays_text_ += fmt::format("/* {} */\n", c_comment(label)) + c_int_array(type, id, values);
    weight_bytes_ += values.size() * bytes_each;
    return id;
  }
  void call(const std::string& kernel, const std::string& line) {
    kernels_.push_back(kernel);
    body_ += "    " + line + "\n";
  }

  // The weights, biases and requantization factors of a conv, dense or scale_shift op.
  struct WeightArrays {
    std::string weight, bias, m, shift;
  };
  WeightArrays weight_arrays(const InferenceOp& op, const QuantizedOp& q) {
    std::vector<long long> m, shift;
    for (const FixedMultiplier& f : q.requantize) {
      m.push_back(f.m);
      shift.push_back(f.shift);
    }
    return {array(op.name + ": int8 weights", "int8_t", as_long_longs(q.weight), 1),
            array(op.name + ": int32 biases", "int32_t", as_long_longs(q.bias), 4),
            array(op.name + ": requantization multipliers", "int32_t", m, 4),
            array(op.name + ": requantization shifts", "uint8_t", shift, 1)};
  }

  void write_op(std::size_t k) {
    const InferenceOp& op = g_.ops[k];
    const QuantizedOp& q = q_.ops[k];
    const int y = static_cast<int>(k) + 1, x = op.inputs[0];
    const std::string out = buffer(y), in = buffer(x);
    const int zx = zero_point(x), zy = zero_point(y);
    body_ += fmt::format("    /* {}: {} -> {} */\n", c_comment(op.name), g_.values[static_cast<std::size_t>(x)].str(), op.shape.str());
    switch (op.kind) {
      case InferenceOpKind::kConv: {
        const WeightArrays a = weight_arrays(op, q);
        const ConvGeometry& c = op.conv;
        call("q_conv2d", fmt::format("q_conv2d({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});",
                                     in, zx, c.channels, c.height, c.width, a.weight, a.bias, a.m, a.shift, op.shape[0], c.kernel_h,
                                     c.kernel_w, c.stride_h, c.stride_w, c.pad_top, c.pad_left, c.dilation_h, c.dilation_w, op.groups,
                                     c.out_h, c.out_w, zy, q.low, out));
        break;
      }
      case InferenceOpKind::kDense: {
        const WeightArrays a = weight_arrays(op, q);
        call("q_dense", fmt::format("q_dense({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});", in, zx, op.input_shape.numel(), a.weight,
                                    a.bias, a.m, a.shift, op.shape.numel(), zy, q.low, out));
        break;
      }
      case InferenceOpKind::kScaleShift: {
        const WeightArrays a = weight_arrays(op, q);
        const std::size_t channels = op.bias.size();
        call("q_scale_shift", fmt::format("q_scale_shift({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});", in, zx, channels,
                                          op.shape.numel() / channels, a.weight, a.bias, a.m, a.shift, zy, q.low, out));
        break;
      }
      case InferenceOpKind::kPool: {
        const PoolWindows& p = op.pool;
        const Shape& s = op.input_shape;
        call("q_pool2d", fmt::format("q_pool2d({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});", in, zx, s[0], s[1], s[2],
                                     p.kernel_h, p.kernel_w, p.stride_h, p.stride_w, p.pad_top, p.pad_left, op.shape[1], op.shape[2],
                                     p.max ? 1 : 0, out));
        break;
      }
      case InferenceOpKind::kGlobalAvgPool:
      case InferenceOpKind::kGlobalMaxPool: {
        const int channels = op.input_shape[0];
        call("q_global_pool", fmt::format("q_global_pool({}, {}, {}, {}, {}, {});", in, zx, channels,
                                          op.input_shape.numel() / static_cast<std::size_t>(channels),
                                          op.kind == InferenceOpKind::kGlobalMaxPool ? 1 : 0, out));
        break;
      }
      case InferenceOpKind::kElementwise: {
        const std::string table = array(op.name + ": " + op.function.name() + " of each int8 input, by input + 128", "int8_t",
                                        as_long_longs(q.table), 1);
        call("q_lookup", fmt::format("q_lookup({}, {}, {}, {});", in, op.shape.numel(), table, out));
        break;
      }
      case InferenceOpKind::kAdd: {
        std::string inputs, zs, ms;
        for (std::size_t i = 0; i < op.inputs.size(); ++i) {
          inputs += (i ? ", " : "") + buffer(op.inputs[i]);
          zs += fmt::format("{}{}", i ? ", " : "", zero_point(op.inputs[i]));
          ms += fmt::format("{}{}", i ? ", " : "", q.rescale.m[i]);
        }
        body_ += "    {\n";
        body_ += fmt::format("        const int8_t *const inputs[{}] = {{{}}};\n", op.inputs.size(), inputs);
        body_ += fmt::format("        static const int z[{}] = {{{}}};\n", op.inputs.size(), zs);
        body_ += fmt::format("        static const int32_t m[{}] = {{{}}};\n", op.inputs.size(), ms);
        call("q_add", fmt::format("    q_add(inputs, z, m, {}, {}, {}, {}, {}, {});", op.inputs.size(), op.shape.numel(), q.rescale.shift,
                                  zy, q.low, out));
        body_ += "    }\n";
        break;
      }
      case InferenceOpKind::kConcat: {
        std::size_t at = 0;
        for (std::size_t i = 0; i < op.inputs.size(); ++i) {
          const int v = op.inputs[i];
          const std::size_t n = g_.values[static_cast<std::size_t>(v)].numel();
          call("q_rescale", fmt::format("q_rescale({}, {}, {}, {}, {}, {}, {} + {});", buffer(v), zero_point(v), n, q.rescale.m[i],
                                        q.rescale.shift, zy, out, at));
          at += n;
        }
        break;
      }
    }
  }

  CExport finish() {
    const ModelDataInfo data = model_data_info(model_.spec, model_.data);
    std::string upper = o_.name;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const Shape& in = g_.input;
    const int channels = in.rank() == 3 ? in[0] : 1, height = in.rank() == 3 ? in[1] : 1, width = in.rank() == 3 ? in[2] : in[0];
    const std::size_t classes = g_.values[static_cast<std::size_t>(g_.output)].numel(), plane = in.numel() / static_cast<std::size_t>(channels);
    const std::string input_table = array("pixel (0-255) of each channel to the int8 input, normalisation included", "int8_t",
                                          as_long_longs(q_.input_table), 1);
    const std::string exp_table_label = "e^(-s d): the probabilities' numerators for a logit d below the largest";
    const std::string exp_table = "output_exp";
    CExport out;
    out.weight_bytes = weight_bytes_ + 256 * sizeof(float);
    for (CBuffer& b : buffers_) {
      b.bytes = b.floats;
      out.ram_bytes += b.bytes;
    }
    out.buffers = buffers_;
    std::stable_sort(out.buffers.begin(), out.buffers.end(), [](const CBuffer& a, const CBuffer& b) { return a.bytes > b.bytes; });
    out.folded = g_.folded;

    std::string& h = out.header;
    h += fmt::format("/* {}.h: a network trained by cnn, quantized to int8, as plain C99 (written by cnn " CNN_VERSION " from {}).\n",
                     o_.name, c_comment(o_.source_name));
    h += " *\n * int " + o_.name + "_predict_u8(const unsigned char *pixels);\n";
    h += " * int " + o_.name + "_predict(const float *input, float *probabilities);\n *\n";
    h += fmt::format(" * pixels: {} bytes, the image as {} x {} x {} (channels, rows, columns), each 0-255, as cnn's\n", in.numel(),
                     channels, height, width);
    h += " * network sees it after `cnn predict`'s preparation and before its normalisation (a value v in [0, 1] is\n";
    h += " * the pixel round(255 v))\n";
    h += c_comment_lines("(" + c_comment(data.preparation) + ": " + c_comment(data.preparation_detail) + ").");
    h += " * " + o_.name + "_predict_u8 computes in integers only: no floating point, no FPU needed.\n";
    h += fmt::format(" * input: the same {} values as floats in [0, 1], rounded to pixels; probabilities: {} floats,\n", in.numel(),
                     classes);
    h += " * one per class, from the int8 logits. Both return the most probable class (the first on a tie).\n *\n";
    h += fmt::format(" * Quantized after training on {} calibration images: int8 weights with a scale per output\n", q_.calibration_images);
    h += " * channel, int8 activations, int32 accumulation, fixed-point requantization (TFLite's scheme).\n";
    h += fmt::format(" * Memory: {} bytes of weights and tables (static const: flash), {} bytes of activations in\n", out.weight_bytes,
                     out.ram_bytes);
    h += " * static buffers (RAM), nothing on the heap. Not reentrant: one call at a time.\n */\n";
    h += fmt::format("#ifndef {0}_H\n#define {0}_H\n\n#define {0}_INT8 1\n", upper);
    h += fmt::format("#define {}_CHANNELS {}\n#define {}_HEIGHT {}\n#define {}_WIDTH {}\n#define {}_CLASSES {}\n", upper, channels,
                     upper, height, upper, width, upper, classes);
    h += fmt::format("#define {}_WEIGHT_BYTES {}\n#define {}_RAM_BYTES {}\n\n", upper, out.weight_bytes, upper, out.ram_bytes);
    h += fmt::format("/* The class names, by output index. */\nextern const char *const {}_class_names[{}_CLASSES];\n\n", o_.name, upper);
    h += fmt::format("int {}_predict_u8(const unsigned char *pixels);\n", o_.name);
    h += fmt::format("int {}_predict(const float *input, float *probabilities);\n\n#endif\n", o_.name);

    std::string& s = out.source;
    s += fmt::format("/* {}.c: see {}.h (written by cnn " CNN_VERSION " from {}). */\n", o_.name, o_.name, c_comment(o_.source_name));
    s += fmt::format("#include \"{}.h\"\n\n#include <stdint.h>\n", o_.name);
    s += "\nconst char *const " + o_.name + "_class_names[" + upper + "_CLASSES] = {";
    for (std::size_t c = 0; c < classes; ++c)
      s += (c == 0 ? "" : ", ") + c_string(c < data.class_names.size() ? data.class_names[c] : std::to_string(c));
    s += "};\n\n" + arrays_text_;
    s += fmt::format("/* {} */\n", exp_table_label) + c_float_array(exp_table, q_.output_exp.data(), q_.output_exp.size()) + "\n";
    s += "/* Activations: each buffer holds the values named, one after another. */\n";
    for (std::size_t b = 0; b < buffers_.size(); ++b) {
      std::string names;
      for (const std::string& l : buffers_[b].layers) names += (names.empty() ? "" : ", ") + l;
      s += fmt::format("static int8_t buffer{}[{}]; /* {} */\n", b, buffers_[b].floats, c_comment(names));
    }
    kernels_.push_back("q_argmax");
    s += "\n" + c_kernel_source(kernels_);
    const std::string input = buffer(0), logits = buffer(g_.output);
    s += "/* The network on the int8 input in " + input + "; returns the class. */\nstatic int run(void) {\n" + body_;
    s += fmt::format("    return q_argmax({}, {});\n}}\n\n", logits, classes);
    s += fmt::format("int {}_predict_u8(const unsigned char *pixels) {{\n    int i;\n", o_.name);
    s += fmt::format("    for (i = 0; i < {}; ++i) {}[i] = {}[(i / {}) * 256 + pixels[i]];\n    return run();\n}}\n\n", in.numel(), input,
                     input_table, plane);
    s += fmt::format("int {}_predict(const float *input, float *probabilities) {{\n    int i, best;\n    float sum = 0.0f;\n", o_.name);
    s += fmt::format("    for (i = 0; i < {}; ++i) {{\n", in.numel());
    s += "        const float v = input[i];\n";
    s += "        const int pixel = !(v > 0.0f) ? 0 : v >= 1.0f ? 255 : (int)(v * 255.0f + 0.5f);\n";
    s += fmt::format("        {}[i] = {}[(i / {}) * 256 + pixel];\n    }}\n", input, input_table, plane);
    s += "    best = run();\n";
    s += fmt::format("    for (i = 0; i < {}; ++i) {{\n", classes);
    s += fmt::format("        probabilities[i] = {}[{}[best] - {}[i]];\n", exp_table, logits, logits);
    s += "        sum += probabilities[i];\n    }\n";
    s += fmt::format("    for (i = 0; i < {}; ++i) probabilities[i] /= sum;\n    return best;\n}}\n", classes);
    return out;
  }

  LoadedModel& model_;
  const QuantizedGraph& q_;
  const InferenceGraph& g_;
  const CExportOptions& o_;
  std::vector<int> buffer_of_;
  std::vector<CBuffer> buffers_;
  std::vector<std::string> kernels_;
  std::string arrays_text_, body_;
  std::size_t arrays_ = 0, weight_bytes_ = 0;
};

}  // namespace

CExport export_c_int8(LoadedModel& model, const QuantizedGraph& quantized, const CExportOptions& options) {
  CNN_CHECK_CODE(is_c_identifier(options.name), ExitCode::kUsage,
                 "'{}' cannot name C symbols (the file name without .c must be a C identifier: letters, digits and '_', "
                 "not starting with a digit or '_', at most 31 characters, not a C keyword)",
                 options.name);
  try {
    return Int8Writer(model, quantized, options).run();
  } catch (const Error& e) {
    if (e.code() == ExitCode::kInternal) throw;
    throw Error(e.code(), options.source_name + ": cannot export as int8 C: " + e.what());
  }
}

}  // namespace cnn
