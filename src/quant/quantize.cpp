// calibrate() and quantize(): see quantize.hpp.
#include "quant/quantize.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "quant/inference_run.hpp"

namespace cnn {

std::uint8_t pixel_of(float v) {
  return static_cast<std::uint8_t>(!(v > 0.0f) ? 0 : v >= 1.0f ? 255 : static_cast<int>(v * 255.0f + 0.5f));
}

ValueRanges calibrate(const InferenceGraph& graph, const std::vector<float>& images, int count) {
  const std::size_t n = graph.values.size(), per_image = graph.input.numel();
  CNN_CHECK(images.size() == per_image * static_cast<std::size_t>(count), "calibrate: {} floats for {} images of {}", images.size(),
            count, per_image);
  ValueRanges r;
  r.min.assign(n, std::numeric_limits<float>::infinity());
  r.max.assign(n, -std::numeric_limits<float>::infinity());
  std::vector<std::vector<float>> values;
  for (int i = 0; i < count; ++i) {
    run_inference(graph, images.data() + static_cast<std::size_t>(i) * per_image, values);
    for (std::size_t v = 0; v < n; ++v) {
      const auto [lo, hi] = std::minmax_element(values[v].begin(), values[v].end());
      r.min[v] = std::min(r.min[v], *lo);
      r.max[v] = std::max(r.max[v], *hi);
    }
  }
  return r;
}

namespace {

int rounded_int(double v) { return static_cast<int>(std::lround(v)); }

// Scale and zero point for values in [lo, hi], widened to hold 0.
QuantParams params_for_range(float lo, float hi) {
  const double low = std::min(0.0, static_cast<double>(lo)), high = std::max(0.0, static_cast<double>(hi));
  CNN_CHECK_CODE(std::isfinite(low) && std::isfinite(high), ExitCode::kModel,
                 "a value reaches {:g} .. {:g} on the calibration images: not finite", lo, hi);
  QuantParams p;
  p.scale = high > low ? static_cast<float>((high - low) / 255.0) : 1.0f;
  CNN_CHECK_CODE(p.scale > 0.0f && std::isfinite(p.scale), ExitCode::kModel, "a value's range {:g} .. {:g} has no int8 scale", lo, hi);
  p.zero_point = std::clamp(rounded_int(-128.0 - low / p.scale), -128, 127);
  return p;
}

std::int8_t quantized(double real, const QuantParams& p) {
  if (!(std::abs(real) < 1e30)) return real > 0 ? 127 : -128;
  const double q = std::round(real / p.scale) + p.zero_point;
  return static_cast<std::int8_t>(std::clamp(q, -128.0, 127.0));
}

class Quantizer {
 public:
  Quantizer(QuantizedGraph& q, const ValueRanges& ranges) : q_(q), g_(q.graph), ranges_(ranges) {}

  void run() {
    q_.values.resize(g_.values.size());
    quantize_input();
    q_.ops.resize(g_.ops.size());
    for (std::size_t k = 0; k < g_.ops.size(); ++k) quantize_op(k);
    const QuantParams& out = q_.values[static_cast<std::size_t>(g_.output)];
    for (int d = 0; d < 256; ++d) q_.output_exp.push_back(static_cast<float>(std::exp(-static_cast<double>(out.scale) * d)));
  }

 private:
  const QuantParams& param(int value) const { return q_.values[static_cast<std::size_t>(value)]; }

  // The input's range is known without calibration: every value in [0, 1], then normalised.
  void quantize_input() {
    const int channels = g_.input.rank() == 3 ? g_.input[0] : 1;
    const Normalization& n = g_.normalization;
    auto normalised = [&](int c, int pixel) {
      float v = static_cast<float>(pixel) / 255.0f;
      if (n.enabled()) v = (v - n.mean[static_cast<std::size_t>(c)]) / n.std[static_cast<std::size_t>(c)];  // normalize_plane's
      return v;
    };
    CNN_CHECK_CODE(!n.enabled() || (static_cast<int>(n.mean.size()) == channels && static_cast<int>(n.std.size()) == channels),
                   ExitCode::kModel, "the normalisation has not one mean and std per input channel");
    float lo = 0.0f, hi = 0.0f;
    for (int c = 0; c < channels; ++c)
      for (int p : {0, 255}) {
        lo = std::min(lo, normalised(c, p));
        hi = std::max(hi, normalised(c, p));
      }
    q_.values[0] = params_for_range(lo, hi);
    for (int c = 0; c < channels; ++c)
      for (int p = 0; p < 256; ++p) q_.input_table.push_back(quantized(normalised(c, p), q_.values[0]));
  }

  void calibrated(int value) { q_.values[static_cast<std::size_t>(value)] = params_for_range(ranges_.min[static_cast<std::size_t>(value)], ranges_.max[static_cast<std::size_t>(value)]); }

  // conv, dense and scale_shift: per-output-channel weights, int32 biases, requantization factors.
  void quantize_weights(const InferenceOp& op, QuantizedOp& out, const QuantParams& x, const QuantParams& y, bool per_channel_weight) {
    const std::size_t channels = op.bias.size(), per_channel = per_channel_weight ? op.weight.size() / channels : 1;
    for (std::size_t c = 0; c < channels; ++c) {
      const auto first = op.weight.begin() + static_cast<std::ptrdiff_t>(c * per_channel);
      float largest = 0.0f;
      for (auto w = first; w != first + static_cast<std::ptrdiff_t>(per_channel); ++w) largest = std::max(largest, std::abs(*w));
      const float s_w = largest > 0.0f ? largest / 127.0f : 1.0f;
      for (auto w = first; w != first + static_cast<std::ptrdiff_t>(per_channel); ++w)
        out.weight.push_back(static_cast<std::int8_t>(std::clamp(std::round(*w / s_w), -127.0f, 127.0f)));
      const double accumulator_scale = static_cast<double>(x.scale) * s_w;
      const double b = std::round(op.bias[c] / accumulator_scale);
      CNN_CHECK_CODE(std::abs(b) < 1e9, ExitCode::kModel, "{}: bias {:g} does not fit the int32 accumulator at scale {:g}", op.name,
                     op.bias[c], accumulator_scale);
      out.weight_scale.push_back(s_w);
      out.bias.push_back(static_cast<std::int32_t>(b));
      out.requantize.push_back(fixed_multiplier(accumulator_scale / y.scale));
    }
    // |x - z_x| <= 255 and |w| <= 127: the accumulator holds every sum of this many products.
    const std::size_t products = per_channel_weight ? per_channel : 1;
    CNN_CHECK_CODE(products < 33000, ExitCode::kModel, "{}: {} products per output overflow an int32 accumulator", op.name, products);
    out.low = op.relu ? y.zero_point : -128;
  }

  void quantize_op(std::size_t k) {
    const InferenceOp& op = g_.ops[k];
    QuantizedOp& out = q_.ops[k];
    const int y = static_cast<int>(k) + 1;
    const QuantParams& x = param(op.inputs[0]);
    switch (op.kind) {
      case InferenceOpKind::kConv:
      case InferenceOpKind::kDense:
        calibrated(y);
        quantize_weights(op, out, x, param(y), true);
        break;
      case InferenceOpKind::kScaleShift:
        calibrated(y);
        quantize_weights(op, out, x, param(y), false);
        break;
      case InferenceOpKind::kPool:
      case InferenceOpKind::kGlobalAvgPool:
      case InferenceOpKind::kGlobalMaxPool:
        q_.values[static_cast<std::size_t>(y)] = x;  // max and mean stay in the input's range
        break;
      case InferenceOpKind::kElementwise: {
        calibrated(y);
        for (int qx = -128; qx < 128; ++qx) {
          float v = x.real(qx);
          op.function.apply(&v, &v, 1);
          out.table.push_back(quantized(v, param(y)));
        }
        break;
      }
      case InferenceOpKind::kAdd:
      case InferenceOpKind::kConcat: {
        calibrated(y);
        std::vector<double> factors;
        for (int v : op.inputs) factors.push_back(static_cast<double>(param(v).scale) / param(y).scale);
        out.rescale = shared_shift_multipliers(factors);
        out.low = op.relu ? param(y).zero_point : -128;
        break;
      }
    }
  }

  QuantizedGraph& q_;
  const InferenceGraph& g_;
  const ValueRanges& ranges_;
};

}  // namespace

QuantizedGraph quantize(InferenceGraph graph, const ValueRanges& ranges, int calibration_images) {
  CNN_CHECK(ranges.min.size() == graph.values.size() && ranges.max.size() == graph.values.size(), "quantize: {} ranges for {} values",
            ranges.min.size(), graph.values.size());
  QuantizedGraph q;
  q.graph = std::move(graph);
  q.calibration_images = calibration_images;
  Quantizer(q, ranges).run();
  return q;
}

}  // namespace cnn
