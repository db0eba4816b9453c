// Tests of the silu and gelu activations (ops/activation.hpp): PyTorch's values and derivatives
// (tests/fixtures/silu_gelu_global_max_pool.json, large |x| and 0 included), central-difference
// gradient checks as layers of their own and as the activation of conv (every method) and dense,
// conv against the naive reference, what conv and dense keep for them (the pre-activation, no
// fused pool), the enum tables, and the config and model-file round trips.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "config/config.hpp"
#include "enum_names.hpp"
#include "expect_error.hpp"
#include "gradcheck.hpp"
#include "idx_writer.hpp"
#include "layers/activation_layer.hpp"
#include "layers/conv2d.hpp"
#include "layers/conv_methods/conv_method.hpp"
#include "layers/dense.hpp"
#include "net/builder.hpp"
#include "net/initializer.hpp"
#include "ops/activation.hpp"
#include "ops/vec_exp.hpp"
#include "reference/naive_ops.hpp"
#include "runtime/model_loader.hpp"
#include "train/checkpoint.hpp"
#include "train/optimizer.hpp"

using namespace cnn;
using namespace cnn::test;

namespace {

constexpr Activation kNew[] = {Activation::kSilu, Activation::kGelu, Activation::kGeluTanh};

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof(float)) == 0; }

Tensor to_tensor(const nlohmann::json& values, const Shape& shape) {
  Tensor t(shape);
  REQUIRE(values.size() == t.size());
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = values[i].get<float>();
  return t;
}

Conv2dConfig conv(int f, int kh, int sh, Padding p, Activation a) { return Conv2dConfig{f, kh, kh, sh, sh, p, 0, 0, a}; }

// Every method that applies to `config` on a per-sample input `in`.
std::vector<ConvMethod> methods_for(const Conv2dConfig& config, const Shape& in) {
  Conv2d probe(config);
  probe.setup(in);
  const ConvProblem problem{probe.geometry(), config.filters, config.activation};
  std::vector<ConvMethod> methods;
  for (ConvMethod m : kConvMethods)
    if (conv_method_applies(m, problem)) methods.push_back(m);
  return methods;
}

void expect_config_error(const std::string& text, const std::string& needle) {
  expect_error([&] { parse_config(text, "test.cfg"); }, ExitCode::kUsage, needle);
}

std::string with_layer(const std::string& layer) {
  return "model:\n  input: [1, 8, 8]\n  layers:\n    - " + layer + "\n    - flatten\n    - dense: {units: 10}\n    - softmax\n";
}

}  // namespace

TEST_CASE("silu and gelu match PyTorch's fixture: values and derivatives, large |x| and 0", "[activation][fixture]") {
  // tests/fixtures/silu_gelu_global_max_pool.json comes from scripts/make_activation_fixture.py
  // (F.silu, F.gelu with approximate none and tanh, float64 autograd, at float32 inputs).
  std::ifstream in(std::string(CNN_SOURCE_DIR) + "/tests/fixtures/silu_gelu_global_max_pool.json");
  REQUIRE(in.good());
  const auto fixture = nlohmann::json::parse(in);
  REQUIRE(fixture["activations"].size() == 3);
  for (const auto& c : fixture["activations"]) {
    const std::string name = c["activation"].get<std::string>();
    Activation act{};
    REQUIRE(kActivationNames.parse(name, &act));
    const Shape shape{1, static_cast<int>(c["x"].size())};
    const Tensor x = to_tensor(c["x"], shape), dy = to_tensor(c["dy"], shape);
    const Tensor want_y = to_tensor(c["y"], shape), want_dx = to_tensor(c["dx"], shape);
    ActivationLayer layer(act);
    layer.setup(shape.without_batch());
    const Tensor y = layer.forward(x, Mode::kTrain);
    const Tensor dx = layer.backward(dy);
    for (std::size_t i = 0; i < x.size(); ++i) {
      INFO(name << " at x = " << x[i] << ": y " << y[i] << " (PyTorch " << want_y[i] << "), dx " << dx[i] << " (PyTorch "
                 << want_dx[i] << ")");
      CHECK(std::abs(y[i] - want_y[i]) <= 1e-6 + 1e-6 * std::abs(want_y[i]));
      CHECK(std::abs(dx[i] - want_dx[i]) <= 1e-6 + 1e-6 * std::abs(want_dx[i]));
    }
  }
}

TEST_CASE("silu and gelu at 0, at the float range's ends and at NaN", "[activation]") {
  constexpr float kMax = std::numeric_limits<float>::max();
  const float xs[] = {0.0f, -0.0f, 1e30f, -1e30f, kMax, -kMax, 2e19f, -2e19f};
  for (Activation act : kNew) {
    INFO(activation_name(act));
    Tensor x(Shape{1, 8});
    std::copy(std::begin(xs), std::end(xs), x.data());
    Tensor y(x.shape()), dz(x.shape());
    const Tensor ones(x.shape(), 1.0f);
    activation_forward(act, x.data(), y.data(), y.size());
    activation_backward_from_input(act, x.data(), ones.data(), dz.data(), dz.size());
    CHECK(y[0] == 0.0f);
    CHECK(dz[0] == 0.5f);  // silu'(0) = sigmoid(0), gelu'(0) = Φ(0): both 1/2
    CHECK(dz[1] == 0.5f);
    // Large positive x: y = x and slope 1; large negative: y and slope 0. Every value finite.
    for (int i = 2; i < 8; i += 2) {
      INFO("x = " << x[i]);
      CHECK(y[i] == x[i]);
      CHECK(dz[i] == 1.0f);
      CHECK(y[i + 1] == 0.0f);
      CHECK(dz[i + 1] == 0.0f);
    }
    x[3] = std::numeric_limits<float>::quiet_NaN();
    activation_forward(act, x.data(), y.data(), y.size());
    activation_backward_from_input(act, x.data(), ones.data(), dz.data(), dz.size());
    CHECK(std::isnan(y[3]));
    CHECK(std::isnan(dz[3]));
  }
  // Hand values: silu(1) = 1 / (1 + e^-1); gelu(1) = Φ(1) = 0.841344746; the tanh form 0.841192.
  Tensor one(Shape{1, 1}, 1.0f);
  ActivationLayer silu(Activation::kSilu), gelu(Activation::kGelu), gelu_tanh(Activation::kGeluTanh);
  CHECK(silu.forward(one, Mode::kInfer)[0] == Approx(1.0 / (1.0 + std::exp(-1.0))).epsilon(1e-6));
  CHECK(gelu.forward(one, Mode::kInfer)[0] == Approx(0.8413447460685429).epsilon(1e-6));
  CHECK(gelu_tanh.forward(one, Mode::kInfer)[0] == Approx(0.8411919906082768).epsilon(1e-6));
}

TEST_CASE("the out-of-place forward is the in-place one bit for bit, for every activation", "[activation]") {
  Rng rng(61);
  Tensor x = random_tensor(Shape{1, 301}, rng, -9.0f, 9.0f);
  x[5] = 0.0f;
  x[6] = -0.0f;
  for (Activation act : kActivations) {
    INFO(activation_name(act));
    Tensor in_place = x, out(x.shape());
    activation_forward(act, in_place.data(), in_place.size());
    activation_forward(act, x.data(), out.data(), out.size());
    for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(same_bits(out[i], in_place[i]));
  }
}

TEST_CASE("silu and gelu give an element the same bits wherever it sits in the buffer", "[activation]") {
  // A batch split between threads puts a value at another offset, in a whole vector or the tail.
  Rng rng(66);
  const Tensor x = random_tensor(Shape{1, 301}, rng, -9.0f, 9.0f), dy = random_tensor(x.shape(), rng);
  for (Activation act : kNew) {
    INFO(activation_name(act));
    Tensor whole(x.shape()), dwhole(x.shape());
    activation_forward(act, x.data(), whole.data(), x.size());
    activation_backward_from_input(act, x.data(), dy.data(), dwhole.data(), x.size());
    for (std::size_t split : {1, 3, 7, 13, 150}) {
      Tensor parts(x.shape()), dparts(x.shape());
      for (std::size_t at = 0; at < x.size(); at += split) {
        const std::size_t n = std::min(split, x.size() - at);
        activation_forward(act, x.data() + at, parts.data() + at, n);
        activation_backward_from_input(act, x.data() + at, dy.data() + at, dparts.data() + at, n);
      }
      for (std::size_t i = 0; i < x.size(); ++i) {
        INFO("pieces of " << split << ", element " << i);
        REQUIRE(same_bits(parts[i], whole[i]));
        REQUIRE(same_bits(dparts[i], dwhole[i]));
      }
    }
  }
}

TEST_CASE("each activation has one backward: from its output, or from its input for silu and gelu", "[activation]") {
  const float x[] = {0.5f}, dy[] = {1.0f};
  float dz[1];
  for (Activation act : kActivations) {
    INFO(activation_name(act));
    CHECK(activation_needs_input(act) ==
          (act == Activation::kSilu || act == Activation::kGelu || act == Activation::kGeluTanh));
    if (activation_needs_input(act)) {
      expect_error([&] { activation_backward(act, x, dy, dz, 1); }, ExitCode::kInternal, "needs its input");
      CHECK_NOTHROW(activation_backward_from_input(act, x, dy, dz, 1));
    } else {
      expect_error([&] { activation_backward_from_input(act, x, dy, dz, 1); }, ExitCode::kInternal, "from its output");
      CHECK_NOTHROW(activation_backward(act, x, dy, dz, 1));
    }
  }
}

TEST_CASE("activation names: every value named once, and gelu's approximations", "[activation]") {
  check_distinct_real_names(kActivations, kActivationNames);
  const Activation gelus[] = {Activation::kGelu, Activation::kGeluTanh};
  check_distinct_real_names(gelus, kGeluApproximationNames);
  CHECK(std::string(kActivationNames.names()) ==
        "relu, tanh, sigmoid, scaled_tanh, silu, gelu, gelu_tanh, none or linear");
  CHECK(std::string(kGeluApproximationNames.names()) == "none or tanh");
  CHECK(ActivationLayer(Activation::kGeluTanh).kind() == "gelu");
  CHECK(ActivationLayer(Activation::kGeluTanh).describe() == "approximate tanh");
  CHECK(ActivationLayer(Activation::kGelu).kind() == "gelu");
  CHECK(ActivationLayer(Activation::kSilu).kind() == "silu");
}

TEST_CASE("silu and gelu layers pass the gradient check", "[activation][gradcheck]") {
  Rng rng(62);
  for (Activation act : kNew) {
    for (const Shape& in : {Shape{3, 4}, Shape{2, 3, 5}}) {
      ActivationLayer layer(act);
      layer.setup(in);
      INFO(activation_name(act) << " on " << in.str());
      check_layer_gradients(layer, random_tensor(in.with_batch(2), rng, -4.0f, 4.0f), rng);
    }
  }
}

TEST_CASE("dense with silu and gelu passes the gradient check, and its backward needs a training forward", "[dense][gradcheck]") {
  Rng rng(63);
  for (Activation act : kNew) {
    Dense dense(DenseConfig{5, act});
    dense.setup(Shape{2, 3, 2});
    INFO(dense.describe());
    check_layer_gradients(dense, random_tensor(Shape{3, 2, 3, 2}, rng, -2.0f, 2.0f), rng);
    // Inference keeps no pre-activation: the same y, and no backward after it.
    const Tensor x = random_tensor(Shape{4, 2, 3, 2}, rng);
    const Tensor trained = dense.forward(x, Mode::kTrain);
    const Tensor inferred = dense.forward(x, Mode::kInfer);
    for (std::size_t i = 0; i < trained.size(); ++i) REQUIRE(same_bits(trained[i], inferred[i]));
    expect_error([&] { dense.backward(Tensor(trained.shape())); }, ExitCode::kInternal, "training mode");
  }
}

TEST_CASE("conv with silu and gelu passes the gradient check, every method", "[conv][gradcheck]") {
  struct Case {
    Conv2dConfig config;
    Shape x;
  } cases[] = {
      {conv(3, 3, 1, Padding::kSame, Activation::kSilu), {2, 2, 5, 6}},
      {conv(2, 2, 2, Padding::kSame, Activation::kGelu), {2, 3, 6, 5}},
      {conv(11, 3, 1, Padding::kValid, Activation::kGeluTanh), {2, 2, 5, 6}},  // more filters than a vector
      {conv(10, 3, 2, Padding::kValid, Activation::kSilu), {1, 2, 7, 7}},
      {conv(4, 2, 1, Padding::kValid, Activation::kGelu), {2, 1, 6, 6}},        // a fusable shape, not fused
  };
  for (std::size_t k = 0; k < std::size(cases); ++k) {
    const Case& c = cases[k];
    for (ConvMethod m : methods_for(c.config, c.x.without_batch())) {
      Conv2d layer(c.config, m);
      layer.setup(c.x.without_batch());
      INFO(layer.describe() << " on " << c.x.str() << ", method " << conv_method_name(m));
      Rng rng(70 + 100 * k);
      check_layer_gradients(layer, random_tensor(c.x, rng), rng);
    }
  }
}

TEST_CASE("conv with silu and gelu: every method matches the naive convolution, keeps no fused pool, and needs a training "
          "forward for backward",
          "[conv]") {
  Rng rng(64);
  for (int trial = 0; trial < 24; ++trial) {
    const Activation act = kNew[trial % 3];
    const bool stride1 = trial % 2 == 0;
    const int n = 1 + static_cast<int>(rng.uniform_int(3)), c = 1 + static_cast<int>(rng.uniform_int(3));
    const int h = 6 + static_cast<int>(rng.uniform_int(8)), w = 6 + static_cast<int>(rng.uniform_int(8));
    const int f = 1 + static_cast<int>(rng.uniform_int(20)), k = 1 + static_cast<int>(rng.uniform_int(4));
    const Conv2dConfig config = conv(f, k, stride1 ? 1 : 2, rng.uniform_int(2) == 0 ? Padding::kSame : Padding::kValid, act);
    const Tensor x = random_tensor(Shape{n, c, h, w}, rng, -1.5f, 1.5f);
    Tensor weight, bias, dy;
    for (ConvMethod m : methods_for(config, x.shape().without_batch())) {
      Conv2d layer(config, m);
      const Shape out = layer.setup(x.shape().without_batch());
      auto params = layer.params();
      if (weight.size() == 0) {
        for (Param& p : params)
          for (std::size_t i = 0; i < p.value->size(); ++i) (*p.value)[i] = rng.uniform(-0.5f, 0.5f);
        weight = *params[0].value;
        bias = *params[1].value;
        dy = random_tensor(out.with_batch(n), rng);
      }
      *params[0].value = weight;
      *params[1].value = bias;
      INFO("trial " << trial << ": " << layer.describe() << " on " << x.shape().str() << ", method " << conv_method_name(m));
      const auto& g = layer.geometry();
      const Tensor z = reference::conv2d_forward(x, weight, bias, g.stride_h, g.stride_w, g.pad_top, g.pad_left, out[1], out[2]);
      Tensor expected(z.shape()), dz(z.shape());
      activation_forward(act, z.data(), expected.data(), z.size());
      activation_backward_from_input(act, z.data(), dy.data(), dz.data(), dz.size());

      const Tensor inferred = layer.forward(x, Mode::kInfer);
      expect_error([&] { layer.backward(dy); }, ExitCode::kInternal, "training mode");
      REQUIRE(layer.forward_max_pooled_2x2(x, Mode::kInfer) == nullptr);
      REQUIRE(layer.forward_max_pooled_2x2(x, Mode::kTrain) == nullptr);
      const Tensor& y = layer.forward(x, Mode::kTrain);
      REQUIRE(y.shape() == expected.shape());
      for (std::size_t i = 0; i < y.size(); ++i) {
        REQUIRE(y[i] == Approx(expected[i]).epsilon(1e-5).margin(1e-5));
        REQUIRE(same_bits(y[i], inferred[i]));  // training and inference compute the same y
      }
      for (Param& p : params) p.grad->fill(0.0f);
      const Tensor dx = layer.backward(dy);
      Tensor rdx, rdw, rdb;
      reference::conv2d_backward(x, weight, dz, g.stride_h, g.stride_w, g.pad_top, g.pad_left, rdx, rdw, rdb);
      for (std::size_t i = 0; i < dx.size(); ++i) REQUIRE(dx[i] == Approx(rdx[i]).epsilon(1e-4).margin(1e-5));
      for (std::size_t i = 0; i < rdw.size(); ++i) REQUIRE((*params[0].grad)[i] == Approx(rdw[i]).epsilon(1e-4).margin(1e-5));
      for (std::size_t i = 0; i < rdb.size(); ++i) REQUIRE((*params[1].grad)[i] == Approx(rdb[i]).epsilon(1e-4).margin(1e-5));
    }
  }
}

TEST_CASE("the fused conv + pool stays where it was: stride-1 methods with relu or none only", "[conv]") {
  for (Activation act : kActivations) {
    for (ConvMethod m : {ConvMethod::kShiftedRows, ConvMethod::kPositions}) {
      Conv2d layer(conv(4, 3, 1, Padding::kSame, act), m);
      layer.setup(Shape{2, 8, 8});
      const Tensor x(Shape{1, 2, 8, 8}, 0.5f);
      INFO(activation_name(act) << ", method " << conv_method_name(m));
      CHECK((layer.forward_max_pooled_2x2(x, Mode::kInfer) != nullptr) ==
            (act == Activation::kRelu || act == Activation::kNone));
    }
  }
}

TEST_CASE("silu and gelu in configs and model files: the syntax, the canonical options, round trips", "[activation][config][model]") {
  const std::string text = R"(model:
  input: [1, 10, 10]
  layers:
    - conv:    {filters: 4, kernel: 3, activation: silu}
    - gelu
    - conv:    {filters: 4, kernel: 3, padding: same, activation: gelu}
    - gelu:    {approximate: tanh}
    - conv:    {filters: 5, kernel: 3, stride: 2, activation: gelu_tanh}
    - silu
    - gelu:    {approximate: none}
    - dense:   {units: 6, activation: gelu}
    - dense:   {units: 3, activation: gelu_tanh}
    - softmax
)";
  const RunConfig c = parse_config(text, "act.cfg");
  const auto& layers = c.model.layers;
  REQUIRE(layers.size() == 9);
  CHECK(layers[0].options["activation"] == "silu");
  CHECK(layers[1].kind == "gelu");
  CHECK(layers[1].options == nlohmann::json({{"approximate", "none"}}));
  CHECK(layers[3].options == nlohmann::json({{"approximate", "tanh"}}));
  CHECK(layers[4].options["activation"] == "gelu_tanh");
  CHECK(layers[5].kind == "silu");
  CHECK(layers[5].options == nlohmann::json::object());
  CHECK(layers[8].options["activation"] == "gelu_tanh");
  CHECK(to_json(model_spec_from_json(to_json(c.model))) == to_json(c.model));

  auto net = build_net(c.model);
  CHECK(net->output_shape() == Shape{3});
  CHECK(net->layer_name(1) == "gelu1");
  CHECK(net->layer_name(3) == "gelu2");
  CHECK(net->layer_name(5) == "silu1");
  CHECK(net->layer(3).describe() == "approximate tanh");
  CHECK(net->layer(4).describe().find("gelu_tanh") != std::string::npos);
  Rng rng(65);
  initialize(net->params(), Init::kHeNormal, rng);
  for (const Param& p : net->params())
    if (p.fill == ParamFill::kZeros)
      for (std::size_t i = 0; i < p.value->size(); ++i) (*p.value)[i] = rng.uniform(-0.2f, 0.2f);

  // A checkpoint: the same architecture and tensors, the same outputs, the same bytes when written again.
  ScratchDir dir("silu-gelu-model");
  Optimizer opt(OptimizerConfig{}, net->params());
  save_checkpoint(dir.file("m.bin"), c.model, text, *net, &opt, nullptr);
  const LoadedModel loaded = load_model(dir.file("m.bin"));
  CHECK(to_json(loaded.spec) == to_json(c.model));
  const Tensor x = random_tensor(Shape{2, 1, 10, 10}, rng, 0.0f, 1.0f);
  const Tensor want = net->forward(x, Mode::kInfer);
  const Tensor& got = loaded.net->forward(x, Mode::kInfer);
  for (std::size_t i = 0; i < want.size(); ++i) CHECK(same_bits(got[i], want[i]));
  save_checkpoint(dir.file("again.bin"), loaded.spec, loaded.config_text, *loaded.net, &opt, nullptr);
  CHECK(read_bytes(dir.file("m.bin")) == read_bytes(dir.file("again.bin")));

  // The whole network with its loss, in training mode.
  net->set_input_gradient(true);
  const Label labels[] = {2, 0};
  check_net_gradients(*net, x, labels, rng, 20);
}

TEST_CASE("bad silu and gelu options are refused, naming the key and the accepted names", "[activation][config]") {
  expect_config_error(with_layer("gelu: {approximate: fast}"), "model.layers[0].gelu.approximate");
  expect_config_error(with_layer("gelu: {approximate: fast}"), "expected none or tanh");
  expect_config_error(with_layer("gelu: {approximation: tanh}"), "approximation");
  expect_config_error(with_layer("silu: {beta: 1}"), "takes no options");
  expect_config_error(with_layer("conv: {filters: 2, kernel: 3, activation: swish}"), "gelu, gelu_tanh, none or linear");
  expect_config_error(with_layer("dense: {units: 2, activation: gelu_erf}"), "silu, gelu, gelu_tanh");
  // A model file is held to the same schema.
  nlohmann::json json = to_json(parse_config(with_layer("gelu"), "ok.cfg").model);
  json["layers"][0]["approximate"] = "sigmoid";
  expect_error([&] { model_spec_from_json(json); }, ExitCode::kModel, "approximate");
}

TEST_CASE("exp_nonpositive: e^x within one ulp on [-87, 0], 0 below, 1 above, NaN kept", "[activation]") {
  // Against e^x in double: 400,000 points evenly across the range, 100,000 spaced by ratio from
  // -1e-30 to -1 (the small arguments), and -0.
  double worst = 0.0;
  std::vector<float> xs;
  for (int i = 0; i <= 400000; ++i) xs.push_back(static_cast<float>(-87.0 * i / 400000.0));
  for (int i = 0; i <= 100000; ++i) xs.push_back(static_cast<float>(-std::pow(10.0, -30.0 + 30.0 * i / 100000.0)));
  xs.push_back(-0.0f);
  for (std::size_t i = 0; i < xs.size(); i += kLanes) {
    float in[kLanes] = {}, out[kLanes];
    const std::size_t lanes = std::min<std::size_t>(kLanes, xs.size() - i);
    std::copy(xs.begin() + static_cast<std::ptrdiff_t>(i), xs.begin() + static_cast<std::ptrdiff_t>(i + lanes), in);
    store(out, exp_nonpositive(load(in)));
    for (std::size_t l = 0; l < lanes; ++l) {
      const double want = std::exp(static_cast<double>(in[l]));
      int exponent = 0;
      std::frexp(want, &exponent);
      const double ulp = std::ldexp(1.0, exponent - 24);  // of a float in [2^(e-1), 2^e), in double (no denormals)
      worst = std::max(worst, std::abs(out[l] - want) / ulp);
    }
  }
  INFO("worst error " << worst << " ulp");
  CHECK(worst < 1.0);
  float in[kLanes], out[kLanes];
  const float special[] = {-87.5f, -1e30f, -std::numeric_limits<float>::infinity(), 0.5f, 1e30f,
                           std::numeric_limits<float>::quiet_NaN()};
  for (float v : special) {
    std::fill(in, in + kLanes, v);
    store(out, exp_nonpositive(load(in)));
    INFO("x = " << v);
    if (std::isnan(v)) {
      CHECK(std::isnan(out[0]));
    } else {
      CHECK(out[0] == (v > 0.0f ? 1.0f : 0.0f));
    }
  }
}
