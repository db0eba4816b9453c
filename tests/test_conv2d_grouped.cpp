// Tests of Conv2d's groups, dilation and bias-free options (layers/conv2d.hpp): the output
// geometry, weight shape, parameters and MACs; which methods apply and which the rule picks; every
// method that applies against the general naive convolution (tests/reference/naive_ops.hpp) on
// random shapes; exhaustive central-difference gradient checks; the fused 2x2 max pool bit for
// bit; the schema in the config and model-file readers, the canonical JSON and the model file;
// and PyTorch's numbers (tests/fixtures/conv_grouped_dilated.json).
#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "expect_error.hpp"
#include "gradcheck.hpp"
#include "layers/conv2d.hpp"
#include "layers/conv_methods/conv_method.hpp"
#include "layers/pool2d.hpp"
#include "net/builder.hpp"
#include "ops/activation.hpp"
#include "reference/naive_ops.hpp"
#include "runtime/model_loader.hpp"
#include "train/checkpoint.hpp"

using namespace cnn;
using nlohmann::json;

namespace {

// A conv layer's settings, built up by name: ConvSpec(filters, kh, kw).stride(2, 1).same()...
struct ConvSpec {
  Conv2dConfig c;

  ConvSpec(int filters, int kh, int kw) {
    c.filters = filters;
    c.kernel_h = kh;
    c.kernel_w = kw;
  }
  ConvSpec stride(int h, int w) const {
    ConvSpec s = *this;
    s.c.stride_h = h;
    s.c.stride_w = w;
    return s;
  }
  ConvSpec same() const {
    ConvSpec s = *this;
    s.c.padding = Padding::kSame;
    return s;
  }
  ConvSpec pad(int h, int w) const {
    ConvSpec s = *this;
    s.c.padding = Padding::kExplicit;
    s.c.pad_h = h;
    s.c.pad_w = w;
    return s;
  }
  ConvSpec groups(int g) const {
    ConvSpec s = *this;
    s.c.groups = g;
    return s;
  }
  ConvSpec dilation(int h, int w) const {
    ConvSpec s = *this;
    s.c.dilation_h = h;
    s.c.dilation_w = w;
    return s;
  }
  ConvSpec no_bias() const {
    ConvSpec s = *this;
    s.c.bias = false;
    return s;
  }
  ConvSpec act(Activation a) const {
    ConvSpec s = *this;
    s.c.activation = a;
    return s;
  }
  const Conv2dConfig& config() const { return c; }
};

// The activations a conv method computes itself (silu and gelu are Conv2d's own, after the method).
const Activation kMethodActivations[] = {Activation::kNone, Activation::kRelu, Activation::kTanh, Activation::kSigmoid,
                                   Activation::kScaledTanh};

ConvProblem problem_of(const Conv2d& layer, const Conv2dConfig& c) {
  return ConvProblem{layer.geometry(), c.filters, c.activation, c.groups, c.bias};
}

// Every method that applies to `config` on a per-sample input `in`.
std::vector<ConvMethod> methods_for(const Conv2dConfig& config, const Shape& in) {
  Conv2d probe(config);
  probe.setup(in);
  std::vector<ConvMethod> methods;
  for (ConvMethod m : kConvMethods)
    if (conv_method_applies(m, problem_of(probe, config))) methods.push_back(m);
  return methods;
}

reference::ConvShape reference_shape(const Conv2d& layer, int groups) {
  const ConvGeometry& g = layer.geometry();
  return {g.stride_h, g.stride_w, g.pad_top, g.pad_left, g.out_h, g.out_w, g.dilation_h, g.dilation_w, groups};
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof(float)) == 0; }

void require_close(const Tensor& got, const Tensor& want, double epsilon, double margin, const char* what) {
  REQUIRE(got.shape() == want.shape());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO(what << " element " << i);
    REQUIRE(got[i] == Approx(want[i]).epsilon(epsilon).margin(margin));
  }
}

const std::string kConfig = R"(model:
  input: [4, 12, 12]
  layers:
    - conv: {filters: 6, kernel: 3, padding: same, groups: 2, dilation: [2, 1], bias: false, activation: relu}
    - conv: {filters: 6, kernel: [3, 2], stride: 2, groups: 6, dilation: 2}
    - flatten
    - dense: {units: 3}
    - softmax
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("grouped and dilated conv: output sizes, padding with the dilated extent, weight shape, parameters, MACs",
          "[conv][grouped]") {
  struct Case {
    ConvSpec spec;
    Shape in, out;
    int pad_top, pad_left;
  } cases[] = {
      {ConvSpec(4, 3, 3).dilation(2, 2), {2, 9, 9}, {4, 5, 5}, 0, 0},  // extent 5
      {ConvSpec(4, 3, 3).same().dilation(2, 2), {2, 7, 7}, {4, 7, 7}, 2, 2},
      // TensorFlow's rule with the extents 5 and 3: 7 rows at stride 2 pad 2/2, 8 columns 0/1.
      {ConvSpec(2, 3, 3).stride(2, 2).same().dilation(2, 1), {1, 7, 8}, {2, 4, 4}, 2, 0},
      // An even kernel dilated 3: extent 4, total padding 3, 1 before and 2 after.
      {ConvSpec(2, 2, 2).same().dilation(3, 3), {1, 6, 6}, {2, 6, 6}, 1, 1},
      {ConvSpec(3, 3, 3).pad(1, 1).dilation(3, 3), {1, 6, 6}, {3, 2, 2}, 1, 1},
      {ConvSpec(6, 3, 2).stride(1, 2).groups(3), {9, 5, 6}, {6, 3, 3}, 0, 0},
  };
  for (const Case& c : cases) {
    Conv2d layer(c.spec.config());
    INFO(layer.describe() << " on " << c.in.str());
    CHECK(layer.setup(c.in) == c.out);
    CHECK(layer.geometry().pad_top == c.pad_top);
    CHECK(layer.geometry().pad_left == c.pad_left);
  }
  // Valid padding needs the dilated extent to fit, and says so.
  Conv2d too_big(ConvSpec(1, 3, 3).dilation(3, 1).config());
  test::expect_error([&] { too_big.setup(Shape{1, 6, 6}); }, ExitCode::kUsage, "dilated kernel 7 larger than input 6");

  // Weight (F, C / G, kh, kw); the bias only with bias; PyTorch's fans; F (C / G) kh kw OH OW MACs.
  Conv2d grouped(ConvSpec(12, 3, 2).same().groups(4).config());
  REQUIRE(grouped.setup(Shape{8, 5, 7}) == Shape{12, 5, 7});
  auto params = grouped.params();
  REQUIRE(params.size() == 2);
  CHECK(params[0].name == "weight");
  CHECK(params[0].value->shape() == Shape{12, 2, 3, 2});
  CHECK(params[0].fan_in == 2 * 3 * 2);
  CHECK(params[0].fan_out == 12 * 3 * 2);
  CHECK(params[1].name == "bias");
  CHECK(params[1].value->shape() == Shape{12});
  CHECK(grouped.macs_per_sample() == 12u * 2 * 3 * 2 * 5 * 7);
  CHECK(grouped.describe() == "12@3x2 stride 1x1 same groups 4");

  Conv2d bias_free(ConvSpec(5, 3, 3).dilation(2, 1).no_bias().act(Activation::kRelu).config());
  REQUIRE(bias_free.setup(Shape{2, 9, 9}) == Shape{5, 5, 7});
  params = bias_free.params();
  REQUIRE(params.size() == 1);
  CHECK(params[0].name == "weight");
  CHECK(params[0].value->shape() == Shape{5, 2, 3, 3});
  CHECK(bias_free.macs_per_sample() == 5u * 2 * 3 * 3 * 5 * 7);
  CHECK(bias_free.describe() == "5@3x3 stride 1x1 valid dilation 2x1 no bias relu");

  Conv2d depthwise(ConvSpec(16, 3, 3).same().groups(16).config());
  depthwise.setup(Shape{16, 32, 32});
  CHECK(depthwise.params()[0].value->shape() == Shape{16, 1, 3, 3});
  CHECK(depthwise.macs_per_sample() == 16u * 9 * 32 * 32);
}

TEST_CASE("grouped conv: setup refuses channels that the groups do not divide, naming the option", "[conv][grouped]") {
  Conv2d layer(ConvSpec(6, 3, 3).groups(3).config());
  test::expect_error([&] { layer.setup(Shape{16, 8, 8}); }, ExitCode::kUsage, "groups: 3 does not divide the 16 input channels");
  // Through a config, which sets the layers up as it reads them: the file, line, layer and its
  // position are named too.
  test::expect_error(
      [&] { parse_config(replace(kConfig, "groups: 2, dilation: [2, 1]", "groups: 3, dilation: [2, 1]"), "g.cfg"); },
      ExitCode::kUsage, "g.cfg:4: model.layers[0].conv: layer 1 (conv1): conv: groups: 3 does not divide the 4 input channels");
}

TEST_CASE("grouped and dilated conv: which methods apply and which the rule picks", "[conv][grouped]") {
  struct Case {
    ConvSpec spec;
    Shape in;
    ConvMethod expected;
  } cases[] = {
      // Depthwise 3x3: one filter per group, so the few-filter kernels, one product per group.
      {ConvSpec(16, 3, 3).same().groups(16), {16, 32, 32}, ConvMethod::kSmallGemm},
      {ConvSpec(16, 3, 3).groups(2), {8, 9, 9}, ConvMethod::kSmallGemm},   // 8 filters a group
      {ConvSpec(32, 3, 3).groups(2), {8, 9, 9}, ConvMethod::kBlas},        // 16 a group
      {ConvSpec(32, 3, 3).stride(2, 2).groups(4), {8, 9, 9}, ConvMethod::kSmallGemm},
      // Dilation keeps the stride-1 methods (their shifted rows just start further apart).
      {ConvSpec(6, 3, 3).same().dilation(2, 2), {1, 28, 28}, ConvMethod::kShiftedRows},
      {ConvSpec(16, 3, 3).dilation(2, 1), {6, 14, 14}, ConvMethod::kPositions},
      {ConvSpec(16, 3, 3).stride(2, 1).dilation(2, 2), {6, 14, 14}, ConvMethod::kBlas},
      // Bias-free changes nothing here: LeNet's conv1 and conv2.
      {ConvSpec(6, 5, 5).same().no_bias().act(Activation::kRelu),
       {1, 28, 28},
       ConvMethod::kShiftedRows},
      {ConvSpec(16, 5, 5).no_bias().act(Activation::kRelu), {6, 14, 14}, ConvMethod::kPositions},
  };
  for (const Case& c : cases) {
    Conv2d layer(c.spec.config());
    layer.setup(c.in);
    INFO(layer.describe() << " on " << c.in.str() << ": " << conv_method_name(layer.method()));
    CHECK(layer.method() == c.expected);
  }
  // The stride-1 methods do not run groups; everything else runs everything.
  const std::vector<ConvMethod> im2col_and_naive{ConvMethod::kNaive, ConvMethod::kSmallGemm, ConvMethod::kBlas};
  CHECK(methods_for(ConvSpec(4, 3, 3).groups(2).config(), Shape{4, 6, 6}) == im2col_and_naive);
  CHECK(methods_for(ConvSpec(4, 3, 3).groups(4).dilation(2, 2).no_bias().config(),
                    Shape{4, 6, 6}) == im2col_and_naive);
  CHECK(methods_for(ConvSpec(4, 3, 3).dilation(2, 1).no_bias().config(), Shape{4, 6, 6}).size() == 5);
  Conv2d forced(ConvSpec(4, 3, 3).groups(2).config(), ConvMethod::kShiftedRows);
  try {
    forced.setup(Shape{4, 6, 6});
    FAIL("setup accepted a stride-1 method for groups 2");
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("method shifted_rows does not apply") && Catch::Contains("groups 1"));
  }
}

TEST_CASE("every conv method matches the general naive convolution with groups, dilation and no bias", "[conv][grouped]") {
  // Groups 1 to 4 (depthwise among them), dilation 1 to 3 along each axis, bias or none, every
  // padding, stride 1 half the time (where the stride-1 methods apply for groups 1).
  Rng rng(31);
  int grouped_trials = 0, dilated_stride1 = 0, bias_free = 0;
  for (int trial = 0; trial < 80; ++trial) {
    Conv2dConfig s;
    s.groups = 1 + static_cast<int>(rng.uniform_int(4));
    const int c = s.groups * (1 + static_cast<int>(rng.uniform_int(3)));
    s.filters = s.groups * (1 + static_cast<int>(rng.uniform_int(s.groups == 1 ? 20 : 5)));
    s.kernel_h = 1 + static_cast<int>(rng.uniform_int(4));
    s.kernel_w = 1 + static_cast<int>(rng.uniform_int(4));
    s.dilation_h = 1 + static_cast<int>(rng.uniform_int(3));
    s.dilation_w = 1 + static_cast<int>(rng.uniform_int(3));
    const bool stride1 = rng.uniform_int(2) == 0;
    s.stride_h = stride1 ? 1 : 1 + static_cast<int>(rng.uniform_int(3));
    s.stride_w = stride1 ? 1 : 1 + static_cast<int>(rng.uniform_int(3));
    s.padding = static_cast<Padding>(rng.uniform_int(3));
    s.pad_h = static_cast<int>(rng.uniform_int(3));
    s.pad_w = static_cast<int>(rng.uniform_int(3));
    s.bias = rng.uniform_int(2) == 0;
    s.activation = kMethodActivations[rng.uniform_int(5)];
    const int n = 1 + static_cast<int>(rng.uniform_int(2));
    const int eh = (s.kernel_h - 1) * s.dilation_h + 1, ew = (s.kernel_w - 1) * s.dilation_w + 1;
    int h = 2 + static_cast<int>(rng.uniform_int(12)), w = 2 + static_cast<int>(rng.uniform_int(12));
    const int pad_h = s.padding == Padding::kExplicit ? s.pad_h : 0, pad_w = s.padding == Padding::kExplicit ? s.pad_w : 0;
    if (s.padding != Padding::kSame) {
      h = std::max(h, eh - 2 * pad_h);
      w = std::max(w, ew - 2 * pad_w);
    }
    const Conv2dConfig& config = s;
    const Tensor x = test::random_tensor(Shape{n, c, h, w}, rng);
    Tensor weight, bias, dy;  // the same parameters and upstream gradient for every method
    const std::vector<ConvMethod> methods = methods_for(config, x.shape().without_batch());
    grouped_trials += s.groups > 1;
    dilated_stride1 += (s.dilation_h > 1 || s.dilation_w > 1) && methods.size() == 5;
    bias_free += !s.bias;
    for (ConvMethod m : methods) {
      Conv2d layer(config, m);
      layer.set_input_gradient(true);
      const Shape out = layer.setup(x.shape().without_batch());
      auto params = layer.params();
      REQUIRE(params.size() == (s.bias ? 2u : 1u));
      if (weight.size() == 0) {
        weight = test::random_tensor(params[0].value->shape(), rng, -0.5f, 0.5f);
        if (s.bias) bias = test::random_tensor(params[1].value->shape(), rng, -0.5f, 0.5f);
        dy = test::random_tensor(out.with_batch(n), rng);
      }
      *params[0].value = weight;
      if (s.bias) *params[1].value = bias;
      INFO("trial " << trial << ": " << layer.describe() << " on " << x.shape().str() << ", method " << conv_method_name(m));
      const Tensor& y = layer.forward(x, Mode::kTrain);
      const reference::ConvShape shape = reference_shape(layer, s.groups);
      Tensor expected = reference::general_conv2d_forward(x, weight, bias, shape);
      activation_forward(s.activation, expected.data(), expected.size());
      require_close(y, expected, 1e-5, 1e-5, "y");

      // The reference backward takes dz = dy * act'(y), formed from this method's own y.
      Tensor dz(y.shape());
      activation_backward(s.activation, y.data(), dy.data(), dz.data(), dz.size());
      for (Param& p : params) p.grad->fill(0.0f);
      const Tensor dx = layer.backward(dy);
      Tensor rdx, rdw, rdb;
      reference::general_conv2d_backward(x, weight, dz, shape, rdx, rdw, rdb);
      require_close(dx, rdx, 1e-5, 1e-5, "dx");
      require_close(*params[0].grad, rdw, 1e-5, 1e-5, "dweight");
      if (s.bias) require_close(*params[1].grad, rdb, 1e-5, 1e-5, "dbias");
    }
  }
  // The draws reach every kind of case, and often.
  CHECK(grouped_trials >= 40);
  CHECK(dilated_stride1 >= 8);
  CHECK(bias_free >= 30);
}

TEST_CASE("grouped, dilated and bias-free conv gradients match central differences, every method",
          "[conv][grouped][gradcheck]") {
  struct Case {
    ConvSpec spec;
    Shape x;
  } cases[] = {
      // Groups 2: valid; odd input, non-square kernel, stride 2, same; explicit padding with ReLU.
      {ConvSpec(4, 3, 3).groups(2), {2, 4, 5, 6}},
      {ConvSpec(6, 3, 2).stride(2, 2).same().groups(2).act(Activation::kTanh),
       {2, 4, 7, 5}},
      {ConvSpec(4, 2, 3).stride(1, 2).pad(1, 2).groups(2).act(Activation::kRelu),
       {1, 6, 5, 6}},
      // Depthwise (groups = channels), and depthwise with two filters per channel.
      {ConvSpec(3, 3, 3).same().groups(3), {2, 3, 5, 6}},
      {ConvSpec(6, 3, 3).stride(2, 1).pad(1, 2).groups(3).act(Activation::kSigmoid),
       {2, 3, 6, 5}},
      // Dilation 2: valid, stride 1 (the stride-1 methods too); same at stride 2 on an odd size.
      {ConvSpec(3, 3, 3).dilation(2, 2), {2, 2, 7, 8}},
      {ConvSpec(2, 3, 3).stride(2, 2).same().dilation(2, 2).act(Activation::kSigmoid),
       {1, 2, 7, 7}},
      // Dilation [2, 1]: same (the dilated extent's TensorFlow padding), explicit with stride [1, 2].
      {ConvSpec(4, 3, 3).same().dilation(2, 1), {2, 2, 6, 5}},
      {ConvSpec(3, 2, 3).stride(1, 2).pad(2, 1).dilation(2, 1).act(Activation::kScaledTanh),
       {2, 2, 5, 7}},
      // Bias-free: plain, with many filters (the positions kernels), and grouped and dilated at once.
      {ConvSpec(3, 3, 3).same().no_bias(), {2, 2, 5, 5}},
      {ConvSpec(11, 3, 2).dilation(2, 1).no_bias().act(Activation::kTanh), {1, 2, 7, 6}},
      {ConvSpec(4, 2, 3).stride(2, 1).pad(1, 2).groups(2).dilation(1, 2).no_bias().act(Activation::kRelu),
       {2, 4, 6, 7}},
      {ConvSpec(17, 2, 2).stride(3, 2).same().dilation(2, 3).no_bias(),
       {1, 2, 7, 8}},
  };
  for (std::size_t k = 0; k < std::size(cases); ++k) {
    const Case& c = cases[k];
    for (ConvMethod m : methods_for(c.spec.config(), c.x.without_batch())) {
      Conv2d layer(c.spec.config(), m);
      layer.setup(c.x.without_batch());
      INFO(layer.describe() << " on " << c.x.str() << ", method " << conv_method_name(m));
      // A seed per case, the same for every method (as in tests/test_conv2d.cpp). With ReLU a
      // draw can put a pre-activation within the difference step of the kink, for the naive
      // method as much as the others (seeds 7, 13 and 17 do); seed 5 keeps every case clear.
      Rng rng(5 + 100 * k);
      test::check_layer_gradients(layer, test::random_tensor(c.x, rng), rng);
    }
  }
}

TEST_CASE("dilated and bias-free conv fused with a 2x2 max pool equals the plain passes bit for bit, and grouped ones do not fuse",
          "[conv][grouped]") {
  // As tests/test_conv2d.cpp's fused-pool cases: values from a small set make ties and exact zeros
  // frequent, -0 gradients and odd outputs are in; here with dilation and without a bias (whose
  // copy-out and pool passes add -0.0f, which must change no bit).
  struct Case {
    ConvSpec spec;
    Shape x;
  } cases[] = {
      {ConvSpec(6, 3, 3).same().dilation(2, 2).act(Activation::kRelu), {3, 1, 12, 12}},
      {ConvSpec(6, 5, 5).same().no_bias().act(Activation::kRelu), {3, 1, 28, 28}},
      {ConvSpec(16, 5, 5).no_bias().act(Activation::kRelu), {3, 6, 14, 14}},
      {ConvSpec(5, 3, 2).dilation(2, 1).no_bias(), {3, 2, 15, 13}},
      {ConvSpec(12, 2, 3).pad(1, 0).dilation(1, 2).no_bias(), {2, 3, 7, 9}},
  };
  Rng rng(41);
  for (const Case& c : cases) {
    Tensor x(c.x);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(rng.uniform_int(5)) * 0.5f - 1.0f;
    for (ConvMethod m : {ConvMethod::kShiftedRows, ConvMethod::kPositions}) {
      Conv2d plain(c.spec.config(), m), fused(c.spec.config(), m);
      const Shape out = plain.setup(c.x.without_batch());
      fused.setup(c.x.without_batch());
      plain.set_input_gradient(true);
      fused.set_input_gradient(true);
      INFO(plain.describe() << " on " << c.x.str() << ", method " << conv_method_name(m));
      auto plain_params = plain.params(), fused_params = fused.params();
      for (std::size_t p = 0; p < plain_params.size(); ++p)
        for (std::size_t i = 0; i < plain_params[p].value->size(); ++i)
          (*plain_params[p].value)[i] = (*fused_params[p].value)[i] = static_cast<float>(rng.uniform_int(5)) * 0.25f - 0.5f;
      Pool2d pool(Pool2dConfig{PoolType::kMax, 2, 2, 2, 2});
      pool.setup(out);
      // Inference, then training with the gradients.
      const Tensor inferred = pool.forward(plain.forward(x, Mode::kInfer), Mode::kInfer);
      const Tensor* fused_inferred = fused.forward_max_pooled_2x2(x, Mode::kInfer);
      REQUIRE(fused_inferred != nullptr);
      for (std::size_t i = 0; i < inferred.size(); ++i) REQUIRE(same_bits((*fused_inferred)[i], inferred[i]));
      const Tensor& pooled = pool.forward(plain.forward(x, Mode::kTrain), Mode::kTrain);
      const Tensor* fused_pooled = fused.forward_max_pooled_2x2(x, Mode::kTrain);
      REQUIRE(fused_pooled->shape() == pooled.shape());
      for (std::size_t i = 0; i < pooled.size(); ++i) {
        INFO("pooled element " << i);
        REQUIRE(same_bits((*fused_pooled)[i], pooled[i]));
      }
      Tensor dpooled(pooled.shape());
      for (std::size_t i = 0; i < dpooled.size(); ++i)
        dpooled[i] = i % 5 == 0 ? -0.0f : static_cast<float>(rng.uniform_int(9)) * 0.125f - 0.5f;
      const Tensor& dx = plain.backward(pool.backward(dpooled));
      const Tensor& fused_dx = fused.backward_max_pooled_2x2(dpooled);
      for (std::size_t i = 0; i < dx.size(); ++i) {
        INFO("dx element " << i);
        REQUIRE(same_bits(fused_dx[i], dx[i]));
      }
      for (std::size_t p = 0; p < plain_params.size(); ++p)
        for (std::size_t i = 0; i < plain_params[p].grad->size(); ++i) {
          INFO(plain_params[p].name << " gradient element " << i);
          REQUIRE(same_bits((*fused_params[p].grad)[i], (*plain_params[p].grad)[i]));
        }
    }
  }
  // A grouped layer runs an im2col method, which has no fused pass: Net pools separately.
  for (ConvMethod m : methods_for(ConvSpec(4, 3, 3).groups(2).act(Activation::kRelu).config(),
                                  Shape{4, 8, 8})) {
    Conv2d grouped(ConvSpec(4, 3, 3).groups(2).act(Activation::kRelu).config(), m);
    grouped.setup(Shape{4, 8, 8});
    INFO("method " << conv_method_name(m));
    CHECK(grouped.forward_max_pooled_2x2(Tensor(Shape{2, 4, 8, 8}), Mode::kInfer) == nullptr);
  }
}

TEST_CASE("conv's groups, dilation and bias: config and model file read them alike, write them only when not the default",
          "[conv][grouped][config][model]") {
  const RunConfig c = parse_config(kConfig, "grouped.cfg");
  const json& conv1 = c.model.layers[0].options;
  CHECK(conv1["groups"] == 2);
  CHECK(conv1["dilation"] == json::array({2, 1}));
  CHECK(conv1["bias"] == false);
  const json& conv2 = c.model.layers[1].options;
  CHECK(conv2["groups"] == 6);
  CHECK(conv2["dilation"] == json::array({2, 2}));  // n is [n, n]
  CHECK_FALSE(conv2.contains("bias"));              // true, the default, is not written

  // The canonical JSON reads back to itself through the model-file reader.
  const json architecture = to_json(c.model);
  const ModelSpec back = model_spec_from_json(architecture);
  CHECK(to_json(back) == architecture);
  auto net = build_net(back);
  std::vector<std::string> names;
  for (const Param& p : net->params()) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"conv1.weight", "conv2.weight", "conv2.bias", "dense1.weight", "dense1.bias"});
  CHECK(net->params()[0].value->shape() == Shape{6, 2, 3, 3});
  CHECK(net->params()[1].value->shape() == Shape{6, 1, 3, 2});

  // The defaults given explicitly are the layer without them: the same canonical JSON, so model
  // files of layers that never used the options keep their architecture byte for byte.
  const RunConfig plain = parse_config(replace(kConfig, "groups: 2, dilation: [2, 1], bias: false, ", ""), "plain.cfg");
  const RunConfig defaults = parse_config(replace(kConfig, "groups: 2, dilation: [2, 1], bias: false", "groups: 1, dilation: 1, bias: true"),
                                          "defaults.cfg");
  CHECK(to_json(defaults.model).dump() == to_json(plain.model).dump());
  const json plain_architecture = to_json(plain.model), lenet = to_json(lenet5_spec());
  for (const char* key : {"groups", "dilation", "bias"}) {
    INFO(key);
    CHECK_FALSE(plain_architecture["layers"][0].contains(key));
    for (const json& layer : lenet["layers"]) CHECK_FALSE(layer.contains(key));
  }
}

TEST_CASE("conv's groups, dilation and bias: bad values are refused by both readers, naming the key", "[conv][grouped][config][model]") {
  const std::string k = "groups: 2, dilation: [2, 1], bias: false";
  auto expect_config_error = [&](const std::string& options, const std::string& needle) {
    test::expect_error([&] { parse_config(replace(kConfig, k, options), "bad.cfg"); }, ExitCode::kUsage, needle);
  };
  expect_config_error("groups: 0", "bad.cfg:4: model.layers[0].conv.groups: 0 is out of range [1, 65536]");
  expect_config_error("groups: 4", "model.layers[0].conv.groups: 4 does not divide the 6 filters");
  expect_config_error("groups: two", "model.layers[0].conv.groups: expected an integer, got 'two'");
  expect_config_error("dilation: 0", "model.layers[0].conv.dilation: 0 is out of range [1, 65536]");
  expect_config_error("dilation: [2, 0]", "model.layers[0].conv.dilation: 0 is out of range [1, 65536]");
  expect_config_error("dilation: [1, 2, 3]", "model.layers[0].conv.dilation: expected an integer or a [height, width] pair");
  expect_config_error("dilation: 40000", "model.layers[0].conv.dilation: the dilated kernel would span 80001 pixels, more than the limit of 65536");
  expect_config_error("bias: no", "model.layers[0].conv.bias: expected true or false");
  expect_config_error("bias: 0", "model.layers[0].conv.bias: expected true or false");

  // The model file's architecture: the same rules, its own terms.
  const json architecture = to_json(parse_config(kConfig, "grouped.cfg").model);
  auto expect_model_error = [&](const char* key, const json& value, const std::string& needle) {
    json edited = architecture;
    edited["layers"][0][key] = value;
    test::expect_error([&] { model_spec_from_json(edited); }, ExitCode::kModel, needle);
  };
  expect_model_error("groups", 0, "architecture: layer 1.groups: 0 is outside [1, 65536]");
  expect_model_error("groups", 4, "architecture: layer 1.groups: 4 does not divide the 6 filters");
  expect_model_error("groups", "2", "architecture: layer 1.groups: not an integer");
  expect_model_error("dilation", 0, "architecture: layer 1.dilation: 0 is outside [1, 65536]");
  expect_model_error("dilation", json::array({2, 0}), "architecture: layer 1.dilation: 0 is outside [1, 65536]");
  expect_model_error("dilation", 40000, "architecture: layer 1.dilation: the dilated kernel would span 80001 pixels");
  expect_model_error("bias", 0, "architecture: layer 1.bias: must be true or false");
  expect_model_error("bias", "false", "architecture: layer 1.bias: must be true or false");
}

TEST_CASE("a bias-free conv's model file has no bias tensor, and loads back bit for bit", "[conv][grouped][model]") {
  const RunConfig c = parse_config(kConfig, "grouped.cfg");
  auto net = build_net(c.model);
  Rng rng(3);
  for (const Param& p : net->params())
    for (std::size_t i = 0; i < p.value->size(); ++i) (*p.value)[i] = rng.uniform(-1.0f, 1.0f);
  test::ScratchDir dir("grouped-model");
  save_checkpoint(dir.file("model.bin"), c.model, kConfig, *net, nullptr, nullptr);
  const LoadedModel loaded = load_model(dir.file("model.bin"));
  CHECK(loaded.contents.find("conv1.weight") != nullptr);
  CHECK(loaded.contents.find("conv1.bias") == nullptr);
  CHECK(loaded.contents.find("conv2.bias") != nullptr);
  CHECK(to_json(loaded.spec) == to_json(c.model));
  const auto& params = loaded.net->params();
  REQUIRE(params.size() == net->params().size());
  for (std::size_t k = 0; k < params.size(); ++k)
    for (std::size_t i = 0; i < params[k].value->size(); ++i) REQUIRE(same_bits((*params[k].value)[i], (*net->params()[k].value)[i]));
}

TEST_CASE("grouped, dilated and bias-free conv match PyTorch's fixture, every method", "[conv][grouped][fixture]") {
  // tests/fixtures/conv_grouped_dilated.json comes from scripts/make_grouped_conv_fixture.py
  // (PyTorch's Conv2d with groups and dilation, autograd in float64; TensorFlow's same padding
  // applied explicitly there with the dilated extent).
  std::ifstream in(std::string(CNN_SOURCE_DIR) + "/tests/fixtures/conv_grouped_dilated.json");
  REQUIRE(in.good());
  const json fixture = json::parse(in);
  REQUIRE(fixture["cases"].size() == 2);
  auto to_tensor = [](const json& values, const Shape& shape) {
    Tensor t(shape);
    REQUIRE(values.size() == t.size());
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = values[i].get<float>();
    return t;
  };
  for (const json& c : fixture["cases"]) {
    const Shape x_shape(c["x_shape"].get<std::vector<int>>());
    Conv2dConfig s;
    s.filters = c["filters"].get<int>();
    s.kernel_h = c["kernel"][0].get<int>();
    s.kernel_w = c["kernel"][1].get<int>();
    s.stride_h = c["stride"][0].get<int>();
    s.stride_w = c["stride"][1].get<int>();
    s.groups = c["groups"].get<int>();
    s.dilation_h = c["dilation"][0].get<int>();
    s.dilation_w = c["dilation"][1].get<int>();
    s.bias = c["bias"].get<bool>();
    if (c["padding"] == "same") {
      s.padding = Padding::kSame;
    } else {
      s.padding = Padding::kExplicit;
      s.pad_h = c["padding"][0].get<int>();
      s.pad_w = c["padding"][1].get<int>();
    }
    for (ConvMethod m : methods_for(s, x_shape.without_batch())) {
      INFO(c["name"].get<std::string>() << ", method " << conv_method_name(m));
      Conv2d layer(s, m);
      const Shape out = layer.setup(x_shape.without_batch());
      REQUIRE(out.with_batch(x_shape[0]) == Shape(c["y_shape"].get<std::vector<int>>()));
      auto params = layer.params();
      REQUIRE(params.size() == (s.bias ? 2u : 1u));
      *params[0].value = to_tensor(c["weight"], params[0].value->shape());
      if (s.bias) *params[1].value = to_tensor(c["bias_values"], params[1].value->shape());
      const Tensor x = to_tensor(c["x"], x_shape);
      const Tensor& y = layer.forward(x, Mode::kTrain);
      require_close(y, to_tensor(c["y"], y.shape()), 1e-5, 1e-5, "y");
      for (Param& p : params) p.grad->fill(0.0f);
      const Tensor& dx = layer.backward(to_tensor(c["dy"], y.shape()));
      require_close(dx, to_tensor(c["dx"], x_shape), 1e-5, 1e-5, "dx");
      require_close(*params[0].grad, to_tensor(c["dweight"], params[0].value->shape()), 1e-5, 1e-5, "dweight");
      if (s.bias) require_close(*params[1].grad, to_tensor(c["dbias"], params[1].value->shape()), 1e-5, 1e-5, "dbias");
    }
  }
}
