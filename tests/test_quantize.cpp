// int8 quantization (quant/): the fixed-point arithmetic against exact rationals, the inference
// graph's float run against cnn's network (folding and fusing change nothing beyond rounding), the
// quantized run against the float one, and refusals of models int8 cannot hold. The generated C is
// held to the C++ int8 run bit for bit by tests/c_export/int8_checks.py.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "config/config.hpp"
#include "core/rng.hpp"
#include "expect_error.hpp"
#include "quant/inference_graph.hpp"
#include "quant/inference_run.hpp"
#include "quant/int8_run.hpp"
#include "quant/quantize.hpp"
#include "random_model.hpp"

using namespace cnn;
using namespace cnn::test;

namespace {

ModelSpec spec_with(const std::string& input, const std::string& layers) {
  return parse_config("model:\n  input: " + input + "\n  layers:\n" + layers + "    - softmax\n", "q.cfg").model;
}

// Random images as pixels (count, C, H, W), and as the network's normalised float input.
struct Images {
  std::vector<std::uint8_t> pixels;
  std::vector<float> values;
};
Images random_images(const Shape& input, int count, std::uint64_t seed) {
  Rng rng(seed);
  Images im;
  for (std::size_t i = 0; i < input.numel() * static_cast<std::size_t>(count); ++i) {
    const auto p = static_cast<std::uint8_t>(std::min(255.0f, rng.uniform() * 256.0f));
    im.pixels.push_back(p);
    im.values.push_back(static_cast<float>(p) / 255.0f);
  }
  return im;
}

// The networks every test runs: each folds or fuses something, or holds a kind of op.
struct Case {
  const char* what;
  const char* input;
  const char* layers;
};
const Case kCases[] = {
    {"conv + batch_norm + relu folded and fused; dense + batch_norm; dropout", "[2, 9, 9]",
     "    - conv: {filters: 4, kernel: 3, padding: same}\n    - batch_norm\n    - relu\n    - dropout: {rate: 0.5}\n"
     "    - pool: {type: max, size: 2, stride: 2}\n    - flatten\n    - dense: {units: 7}\n    - batch_norm\n    - relu\n"
     "    - dense: {units: 5}\n"},
    {"strided, dilated, grouped convs; same avg pooling; tanh and sigmoid as conv activations", "[4, 11, 10]",
     "    - conv: {filters: 6, kernel: [3, 2], stride: [2, 1], padding: same, activation: tanh}\n"
     "    - conv: {filters: 6, kernel: 3, dilation: 2, groups: 2, padding: same, activation: sigmoid}\n"
     "    - pool: {type: avg, size: 3, stride: 2, padding: same}\n    - global_avg_pool\n    - dense: {units: 4}\n"},
    {"a batch norm that cannot fold (after relu), leaky_relu, silu, gelu, scaled_tanh, global max pool", "[1, 8, 8]",
     "    - conv: {filters: 3, kernel: 3, activation: relu}\n    - batch_norm\n    - leaky_relu: {slope: 0.1}\n"
     "    - conv: {filters: 4, kernel: 1, activation: silu}\n    - gelu\n    - scaled_tanh\n    - global_max_pool\n"
     "    - dense: {units: 3, activation: gelu_tanh}\n    - dense: {units: 3}\n"},
    {"a graph: add with fused relu, concat, a relu read twice (not fused)", "[2, 8, 8]",
     "    - conv: {filters: 4, kernel: 3, padding: same, name: a}\n    - relu: {name: ra}\n"
     "    - conv: {filters: 4, kernel: 3, padding: same, name: b}\n    - add: {from: [ra, b], name: s}\n    - relu: {name: sr}\n"
     "    - concat: {from: [sr, ra]}\n    - global_avg_pool\n    - dense: {units: 4}\n"},
};

}  // namespace

TEST_CASE("fixed-point multipliers hold the factor to 31 bits and round like the exact quotient", "[quantize]") {
  Rng rng(5);
  for (int i = 0; i < 2000; ++i) {
    const double real = std::ldexp(0.5 + 0.5 * rng.uniform(), static_cast<int>(rng.uniform() * 40.0) - 32);
    const FixedMultiplier m = fixed_multiplier(real);
    INFO(real);
    REQUIRE(m.shift >= 1);
    REQUIRE(m.shift <= 62);
    CHECK(std::abs(m.value() - real) <= real * std::ldexp(1.0, -30));
    if (real >= std::ldexp(1.0, -31)) CHECK(m.m >= (1 << 30));
  }
  CHECK(fixed_multiplier(0.0).m == 0);
  CHECK(fixed_multiplier(1e-30).m == 0);  // far below 2^-62: no bits left (and no shift past 63)
  CHECK(fixed_multiplier(1e-30).shift == 62);
  CHECK(std::abs(fixed_multiplier(std::ldexp(1.0, -40)).value() - std::ldexp(1.0, -40)) <= std::ldexp(1.0, -62));
  expect_error([] { fixed_multiplier(std::ldexp(1.0, 31)); }, ExitCode::kModel, "requantization factor");
  expect_error([] { fixed_multiplier(std::numeric_limits<double>::quiet_NaN()); }, ExitCode::kModel, "requantization factor");
  // round(v / 2^s), halves away from zero, against long double.
  for (int i = 0; i < 20000; ++i) {
    const auto v = static_cast<std::int64_t>((rng.uniform() - 0.5) * std::ldexp(1.0, 50));
    const int shift = 1 + static_cast<int>(rng.uniform() * 40.0);
    const long double q = static_cast<long double>(v) / std::ldexp(1.0L, shift);
    CHECK(round_shift(v, shift) == static_cast<std::int64_t>(std::round(q)));
  }
  CHECK(round_shift(3, 1) == 2);    // 1.5
  CHECK(round_shift(-3, 1) == -2);  // -1.5, the same way as +1.5
  CHECK(round_shift(-1, 1) == -1);
  CHECK(rounded_mean(5, 2) == 3);
  CHECK(rounded_mean(-5, 2) == -3);
  CHECK(rounded_mean(-4, 3) == -1);
  CHECK(saturate_int8(300, -128) == 127);
  CHECK(saturate_int8(-300, -128) == -128);
  CHECK(saturate_int8(-5, -3) == -3);
  // An add's factors over one shift: each within one unit of its exact value.
  const SharedShiftMultipliers shared = shared_shift_multipliers({0.75, 0.001, 0.3});
  for (std::size_t k = 0; k < 3; ++k)
    CHECK(std::abs(std::ldexp(static_cast<double>(shared.m[k]), -shared.shift) - std::vector<double>{0.75, 0.001, 0.3}[k]) <=
          std::ldexp(1.0, -shared.shift));
}

TEST_CASE("the inference graph's float run is cnn's network, folds and fusions included", "[quantize]") {
  for (const Case& c : kCases) {
    INFO(c.what);
    LoadedModel model = random_model(spec_with(c.input, c.layers));
    const InferenceGraph g = build_inference_graph(model);
    const Images im = random_images(g.input, 6, 3);
    Tensor x(g.input.with_batch(6));
    std::copy(im.values.begin(), im.values.end(), x.data());
    const Tensor& y = model.net->forward(x, Mode::kInfer);
    std::vector<std::vector<float>> values;
    const std::size_t classes = g.values[static_cast<std::size_t>(g.output)].numel();
    for (int n = 0; n < 6; ++n) {
      run_inference(g, im.values.data() + static_cast<std::size_t>(n) * g.input.numel(), values);
      const std::vector<float>& logits = values[static_cast<std::size_t>(g.output)];
      REQUIRE(logits.size() == classes);
      for (std::size_t k = 0; k < classes; ++k) CHECK(logits[k] == Approx(y[n * classes + k]).epsilon(1e-4).margin(1e-5));
    }
  }
}

TEST_CASE("folding and fusing: what the graph holds for a conv, batch norm and relu", "[quantize]") {
  LoadedModel model = random_model(spec_with("[2, 9, 9]", kCases[0].layers));
  const InferenceGraph g = build_inference_graph(model);
  REQUIRE(g.ops.size() == 4);  // conv (+bn +relu), pool, dense (+bn +relu), dense
  CHECK(g.ops[0].kind == InferenceOpKind::kConv);
  CHECK(g.ops[0].relu);
  CHECK(g.ops[0].name == "conv1 + batch_norm1 + relu1");
  CHECK(g.ops[2].kind == InferenceOpKind::kDense);
  CHECK(g.ops[2].relu);
  CHECK(g.ops[3].kind == InferenceOpKind::kDense);
  CHECK_FALSE(g.ops[3].relu);
  CHECK(g.folded.size() == 4);
  // A relu whose input another layer reads too stays an op of its own (case 4: "ra" is read by add and concat).
  LoadedModel graph = random_model(spec_with(kCases[3].input, kCases[3].layers));
  const InferenceGraph h = build_inference_graph(graph);
  int elementwise = 0;
  for (const InferenceOp& op : h.ops) elementwise += op.kind == InferenceOpKind::kElementwise ? 1 : 0;
  CHECK(elementwise == 0);  // ra fuses into conv a (only ra reads a); the relu after the add fuses into the add
  CHECK(h.ops[2].kind == InferenceOpKind::kAdd);
  CHECK(h.ops[2].relu);
}

TEST_CASE("the int8 run stays within a few quantization steps of the float run", "[quantize]") {
  for (const Case& c : kCases) {
    INFO(c.what);
    LoadedModel model = random_model(spec_with(c.input, c.layers), 21);
    // Batch norms' means near 0, so that ReLUs after them do not silence the network.
    Rng rng(2);
    for (const Param& s : model.net->state())
      if (s.name.find("running_mean") != std::string::npos)
        for (std::size_t i = 0; i < s.value->size(); ++i) (*s.value)[i] = 0.2f * (rng.uniform() - 0.5f);
    InferenceGraph g = build_inference_graph(model);
    const int count = 40;
    const Images im = random_images(g.input, count, 9);
    const ValueRanges ranges = calibrate(g, im.values, count);
    const QuantizedGraph q = quantize(g, ranges, count);
    REQUIRE(q.values.size() == g.values.size());
    // Every weight's largest magnitude per output channel is 127; relu outputs start at their zero point -128.
    for (std::size_t k = 0; k < q.ops.size(); ++k) {
      const QuantizedOp& op = q.ops[k];
      if (q.graph.ops[k].kind == InferenceOpKind::kConv || q.graph.ops[k].kind == InferenceOpKind::kDense) {
        const std::size_t per = op.weight.size() / op.weight_scale.size();
        for (std::size_t f = 0; f < op.weight_scale.size(); ++f) {
          int largest = 0;
          for (std::size_t i = 0; i < per; ++i) largest = std::max(largest, std::abs(static_cast<int>(op.weight[f * per + i])));
          CHECK(largest == 127);
        }
      }
      if (q.graph.ops[k].relu) CHECK(q.values[k + 1].zero_point == -128);
    }
    std::vector<std::vector<float>> values;
    std::vector<std::vector<std::int8_t>> ints;
    const QuantParams& out = q.values[static_cast<std::size_t>(g.output)];
    double worst = 0.0, range = ranges.max[static_cast<std::size_t>(g.output)] - ranges.min[static_cast<std::size_t>(g.output)];
    for (int n = 0; n < count; ++n) {
      run_inference(g, im.values.data() + static_cast<std::size_t>(n) * g.input.numel(), values);
      run_int8(q, im.pixels.data() + static_cast<std::size_t>(n) * g.input.numel(), ints);
      const std::vector<float>& f = values[static_cast<std::size_t>(g.output)];
      const std::vector<std::int8_t>& i8 = ints[static_cast<std::size_t>(g.output)];
      for (std::size_t k = 0; k < f.size(); ++k) worst = std::max(worst, std::abs(static_cast<double>(out.real(i8[k])) - f[k]));
    }
    INFO("worst |int8 - float| " << worst << " on a logit range of " << range);
    REQUIRE(range > 0.0);
    CHECK(worst < 0.05 * range);
  }
}

TEST_CASE("the input table is the normalisation and the input's quantization in one lookup", "[quantize]") {
  ModelSpec spec = spec_with("[1, 6, 6]", "    - conv: {filters: 2, kernel: 3}\n    - flatten\n    - dense: {units: 3}\n");
  LoadedModel model = random_model(spec);
  InferenceGraph g = build_inference_graph(model);
  const Images im = random_images(g.input, 4, 1);
  const QuantizedGraph plain = quantize(g, calibrate(g, im.values, 4), 4);
  for (int p = 0; p < 256; ++p) CHECK(plain.input_table[static_cast<std::size_t>(p)] == p - 128);  // no normalisation: exact
  g.normalization.mean = {0.25f};
  g.normalization.std = {0.5f};
  std::vector<float> normalised = im.values;
  for (float& v : normalised) v = (v - 0.25f) / 0.5f;
  const QuantizedGraph q = quantize(g, calibrate(g, normalised, 4), 4);
  for (int p = 0; p < 256; ++p) {
    const float v = (static_cast<float>(p) / 255.0f - 0.25f) / 0.5f;
    CHECK(std::abs(q.values[0].real(q.input_table[static_cast<std::size_t>(p)]) - v) <= 0.5f * q.values[0].scale + 1e-6f);
  }
  CHECK(pixel_of(0.0f) == 0);
  CHECK(pixel_of(1.0f) == 255);
  CHECK(pixel_of(-3.0f) == 0);
  CHECK(pixel_of(std::numeric_limits<float>::quiet_NaN()) == 0);
  CHECK(pixel_of(static_cast<float>(77) / 255.0f) == 77);
}

TEST_CASE("models int8 arithmetic cannot hold are refused, naming the layer", "[quantize]") {
  ModelSpec spec = spec_with("[1, 6, 6]", "    - flatten\n    - dense: {units: 3}\n");
  LoadedModel model = random_model(spec);
  InferenceGraph g = build_inference_graph(model);
  g.ops[0].bias[1] = 1e30f;  // no int32 holds it at the accumulator's scale
  const Images im = random_images(g.input, 2, 1);
  expect_error([&] { quantize(g, calibrate(g, im.values, 2), 2); }, ExitCode::kModel, "dense1: bias");
  InferenceGraph h = build_inference_graph(model);
  ValueRanges r = calibrate(h, im.values, 2);
  r.max[1] = std::numeric_limits<float>::infinity();
  expect_error([&] { quantize(h, r, 2); }, ExitCode::kModel, "not finite");
}
