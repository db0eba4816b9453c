// Tests of Conv2d: output geometry, which method the rule picks, golden values, and for every
// method that applies to a shape (ConvMethod, forced through Conv2d's second constructor): the
// naive reference, exhaustive central-difference gradient checks, and the fused 2x2 max pool
// against forward + Pool2d bit for bit.
#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "enum_names.hpp"
#include "gradcheck.hpp"
#include "layers/conv2d.hpp"
#include "layers/conv_methods/conv_method.hpp"
#include "layers/pool2d.hpp"
#include "ops/activation.hpp"
#include "reference/naive_ops.hpp"

using namespace cnn;

namespace {

Conv2dConfig conv(int f, int kh, int kw, int sh, int sw, Padding p, int ph = 0, int pw = 0,
                  Activation a = Activation::kNone) {
  return Conv2dConfig{f, kh, kw, sh, sw, p, ph, pw, a};
}

void set_params(Conv2d& layer, Rng& rng) {
  for (Param& p : layer.params())
    for (std::size_t i = 0; i < p.value->size(); ++i) (*p.value)[i] = rng.uniform(-0.5f, 0.5f);
}

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

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof(float)) == 0; }

}  // namespace

TEST_CASE("conv output sizes follow valid, same (TensorFlow) and explicit padding", "[conv]") {
  struct Case {
    Conv2dConfig config;
    Shape in, out;
    int pad_top, pad_left;
  } cases[] = {
      {conv(6, 5, 5, 1, 1, Padding::kSame), {1, 28, 28}, {6, 28, 28}, 2, 2},
      {conv(16, 5, 5, 1, 1, Padding::kValid), {6, 14, 14}, {16, 10, 10}, 0, 0},
      {conv(2, 3, 3, 2, 2, Padding::kSame), {1, 7, 8}, {2, 4, 4}, 1, 0},  // 7: total 2 -> 1/1; 8: total 1 -> 0/1
      {conv(2, 2, 2, 2, 2, Padding::kSame), {1, 5, 6}, {2, 3, 3}, 0, 0},  // even kernel: total 1 -> 0 top, 1 bottom
      {conv(2, 4, 4, 1, 1, Padding::kSame), {1, 6, 6}, {2, 6, 6}, 1, 1},  // total 3 -> 1 top, 2 bottom
      {conv(1, 3, 2, 2, 3, Padding::kExplicit, 1, 2), {1, 6, 7}, {1, 3, 4}, 1, 2},  // (6+2-3)/2+1, (7+4-2)/3+1
      {conv(1, 3, 3, 2, 2, Padding::kValid), {1, 8, 8}, {1, 3, 3}, 0, 0},
  };
  for (auto& c : cases) {
    Conv2d layer(c.config);
    INFO(layer.describe() << " on " << c.in.str());
    CHECK(layer.setup(c.in) == c.out);
    CHECK(layer.geometry().pad_top == c.pad_top);
    CHECK(layer.geometry().pad_left == c.pad_left);
  }
  Conv2d too_big(conv(1, 5, 5, 1, 1, Padding::kValid));
  CHECK_THROWS_AS(too_big.setup(Shape{1, 4, 4}), Error);
}

TEST_CASE("conv picks its method by the shape: LeNet-5's layers and the rule's four cases", "[conv]") {
  // A change to the rule (choose_conv_method) shows up here first.
  struct Case {
    Conv2dConfig config;
    Shape in;
    ConvMethod expected;
  } cases[] = {
      {conv(6, 5, 5, 1, 1, Padding::kSame, 0, 0, Activation::kRelu), {1, 28, 28}, ConvMethod::kShiftedRows},  // LeNet conv1
      {conv(16, 5, 5, 1, 1, Padding::kValid, 0, 0, Activation::kRelu), {6, 14, 14}, ConvMethod::kPositions},  // LeNet conv2
      {conv(8, 3, 3, 1, 1, Padding::kValid), {2, 9, 9}, ConvMethod::kShiftedRows},  // 8 filters is still few
      {conv(9, 3, 3, 1, 1, Padding::kValid), {2, 9, 9}, ConvMethod::kPositions},
      {conv(8, 3, 3, 2, 2, Padding::kSame), {2, 9, 9}, ConvMethod::kSmallGemm},
      {conv(9, 3, 3, 1, 2, Padding::kSame), {2, 9, 9}, ConvMethod::kBlas},
  };
  for (auto& c : cases) {
    Conv2d layer(c.config);
    layer.setup(c.in);
    INFO(layer.describe() << " on " << c.in.str() << ": " << conv_method_name(layer.method()));
    CHECK(layer.method() == c.expected);
  }
  // The stride-1 methods apply only with stride 1; the others everywhere.
  CHECK(methods_for(conv(3, 3, 3, 1, 1, Padding::kSame), Shape{2, 6, 6}).size() == 5);
  CHECK(methods_for(conv(3, 3, 3, 2, 1, Padding::kSame), Shape{2, 6, 6}) ==
        std::vector<ConvMethod>{ConvMethod::kNaive, ConvMethod::kSmallGemm, ConvMethod::kBlas});
}

TEST_CASE("conv runs a forced method, and refuses one that does not apply", "[conv]") {
  for (ConvMethod m : kConvMethods) {
    Conv2d layer(conv(4, 3, 3, 1, 1, Padding::kSame), m);
    layer.setup(Shape{2, 7, 7});
    CHECK(layer.method() == m);
  }
  Conv2d strided(conv(4, 3, 3, 2, 2, Padding::kSame), ConvMethod::kPositions);
  try {
    strided.setup(Shape{2, 7, 7});
    FAIL("setup accepted a stride-1 method for stride 2");
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("method positions does not apply") && Catch::Contains("stride 2x2"));
  }
  test::check_distinct_real_names(kConvMethods, kConvMethodNames);
}

TEST_CASE("conv golden values computed by hand, every method", "[conv]") {
  // x = [[1,2,3],[4,5,6],[7,8,9]], kernel [[1,0],[0,-1]], bias 0.5, valid, stride 1:
  // y = [[1-5, 2-6], [4-8, 5-9]] + 0.5 = [[-3.5, -3.5], [-3.5, -3.5]].
  // With relu every output is 0; with kernel [[0,1],[1,0]]: [[2+4, 3+5],[5+7, 6+8]] + 0.5.
  for (ConvMethod m : kConvMethods) {
    INFO("method " << conv_method_name(m));
    Conv2d layer(conv(2, 2, 2, 1, 1, Padding::kValid), m);
    layer.setup(Shape{1, 3, 3});
    auto params = layer.params();
    const float w[] = {1, 0, 0, -1, 0, 1, 1, 0};
    std::copy(w, w + 8, params[0].value->data());
    (*params[1].value)[0] = 0.5f;
    (*params[1].value)[1] = 0.5f;
    Tensor x(Shape{1, 1, 3, 3});
    for (int i = 0; i < 9; ++i) x[static_cast<std::size_t>(i)] = static_cast<float>(i + 1);
    const Tensor& y = layer.forward(x, Mode::kInfer);
    const float expected[] = {-3.5f, -3.5f, -3.5f, -3.5f, 6.5f, 8.5f, 12.5f, 14.5f};
    REQUIRE(y.size() == 8);
    for (int i = 0; i < 8; ++i) CHECK(y[static_cast<std::size_t>(i)] == expected[i]);
  }
}

TEST_CASE("every conv method matches the naive convolution on random shapes", "[conv]") {
  // Filters from 1 to 20 (counts that do and do not fill whole vectors), stride 1 half the time
  // (where all five methods apply), every padding and activation.
  Rng rng(21);
  const Activation activations[] = {Activation::kNone, Activation::kRelu, Activation::kTanh, Activation::kSigmoid,
                                    Activation::kScaledTanh};
  for (int trial = 0; trial < 60; ++trial) {
    const int n = 1 + static_cast<int>(rng.uniform_int(3)), c = 1 + static_cast<int>(rng.uniform_int(4));
    const int h = 3 + static_cast<int>(rng.uniform_int(12)), w = 3 + static_cast<int>(rng.uniform_int(12));
    const int kh = 1 + static_cast<int>(rng.uniform_int(std::min(h, 5))), kw = 1 + static_cast<int>(rng.uniform_int(std::min(w, 5)));
    const bool stride1 = rng.uniform_int(2) == 0;
    const int sh = stride1 ? 1 : 1 + static_cast<int>(rng.uniform_int(3));
    const int sw = stride1 ? 1 : 1 + static_cast<int>(rng.uniform_int(3));
    const Padding padding = static_cast<Padding>(rng.uniform_int(3));
    const int ph = static_cast<int>(rng.uniform_int(3)), pw = static_cast<int>(rng.uniform_int(3));
    const Activation act = activations[rng.uniform_int(5)];
    const Conv2dConfig config = conv(1 + static_cast<int>(rng.uniform_int(20)), kh, kw, sh, sw, padding, ph, pw, act);
    const Tensor x = test::random_tensor(Shape{n, c, h, w}, rng);
    Tensor weight, bias, dy;  // the same parameters and upstream gradient for every method
    for (ConvMethod m : methods_for(config, x.shape().without_batch())) {
      Conv2d layer(config, m);
      layer.set_input_gradient(true);
      const Shape out = layer.setup(x.shape().without_batch());
      auto params = layer.params();
      if (weight.size() == 0) {
        set_params(layer, rng);
        weight = *params[0].value;
        bias = *params[1].value;
        dy = test::random_tensor(out.with_batch(n), rng);
      }
      *params[0].value = weight;
      *params[1].value = bias;
      INFO("trial " << trial << ": " << layer.describe() << " on " << x.shape().str() << ", method " << conv_method_name(m));
      const Tensor& y = layer.forward(x, Mode::kTrain);
      const auto& g = layer.geometry();
      Tensor expected = reference::conv2d_forward(x, weight, bias, sh, sw, g.pad_top, g.pad_left, out[1], out[2]);
      activation_forward(act, expected.data(), expected.size());
      REQUIRE(y.shape() == expected.shape());
      for (std::size_t i = 0; i < y.size(); ++i) REQUIRE(y[i] == Approx(expected[i]).epsilon(1e-5).margin(1e-5));

      // The reference backward takes dz = dy * act'(y), formed from this method's own y.
      Tensor dz(y.shape());
      activation_backward(act, y.data(), dy.data(), dz.data(), dz.size());
      for (Param& p : params) p.grad->fill(0.0f);
      const Tensor dx = layer.backward(dy);
      Tensor rdx, rdw, rdb;
      reference::conv2d_backward(x, weight, dz, sh, sw, g.pad_top, g.pad_left, rdx, rdw, rdb);
      for (std::size_t i = 0; i < dx.size(); ++i) REQUIRE(dx[i] == Approx(rdx[i]).epsilon(1e-5).margin(1e-5));
      for (std::size_t i = 0; i < rdw.size(); ++i) REQUIRE((*params[0].grad)[i] == Approx(rdw[i]).epsilon(1e-5).margin(1e-5));
      for (std::size_t i = 0; i < rdb.size(); ++i) REQUIRE((*params[1].grad)[i] == Approx(rdb[i]).epsilon(1e-5).margin(1e-5));
    }
  }
}

TEST_CASE("every conv method on LeNet's shapes over a full batch matches the naive convolution", "[conv]") {
  // The shapes the hot path is tuned for (conv1: 6 filters, same; conv2: 16 filters, valid), with
  // a batch of 32 so that per-sample buffers are reused many times within one call, then a
  // smaller batch (an epoch's last) so that nothing carries over from one batch to the next.
  struct Case {
    Conv2dConfig config;
    Shape x;
  } cases[] = {{conv(6, 5, 5, 1, 1, Padding::kSame, 0, 0, Activation::kRelu), {32, 1, 28, 28}},
               {conv(16, 5, 5, 1, 1, Padding::kValid, 0, 0, Activation::kRelu), {32, 6, 14, 14}}};
  for (auto& c : cases) {
    for (ConvMethod m : methods_for(c.config, c.x.without_batch())) {
      Rng rng(23);
      Conv2d layer(c.config, m);
      layer.set_input_gradient(true);
      const Shape out = layer.setup(c.x.without_batch());
      set_params(layer, rng);
      auto params = layer.params();
      const auto& g = layer.geometry();
      for (int round = 0; round < 2; ++round) {
        const Tensor x = test::random_tensor(round == 0 ? c.x : Shape{7, c.x[1], c.x[2], c.x[3]}, rng);
        Tensor z = reference::conv2d_forward(x, *params[0].value, *params[1].value, 1, 1, g.pad_top, g.pad_left, out[1], out[2]);
        const Tensor& y = layer.forward(x, Mode::kTrain);
        INFO(layer.describe() << " round " << round << ", method " << conv_method_name(m));
        for (std::size_t i = 0; i < y.size(); ++i) REQUIRE(y[i] == Approx(std::max(z[i], 0.0f)).epsilon(1e-5).margin(1e-5));
        const Tensor dy = test::random_tensor(y.shape(), rng);
        Tensor dz = dy;
        for (std::size_t i = 0; i < dz.size(); ++i)
          if (y[i] <= 0.0f) dz[i] = 0.0f;
        for (Param& p : params) p.grad->fill(0.0f);
        const Tensor dx = layer.backward(dy);
        Tensor rdx, rdw, rdb;
        reference::conv2d_backward(x, *params[0].value, dz, 1, 1, g.pad_top, g.pad_left, rdx, rdw, rdb);
        for (std::size_t i = 0; i < dx.size(); ++i) REQUIRE(dx[i] == Approx(rdx[i]).epsilon(1e-5).margin(1e-4));
        // dW and db sum 32 x 784 float products of about 0.25 with random signs: float rounding
        // alone reaches a few 1e-4 in absolute terms where they cancel; a wrong index errs by O(1).
        for (std::size_t i = 0; i < rdw.size(); ++i) REQUIRE((*params[0].grad)[i] == Approx(rdw[i]).epsilon(5e-5).margin(2e-3));
        for (std::size_t i = 0; i < rdb.size(); ++i) REQUIRE((*params[1].grad)[i] == Approx(rdb[i]).epsilon(5e-5).margin(2e-3));
      }
    }
  }
}

TEST_CASE("conv backward after an inference forward is an error, every method", "[conv]") {
  // Inference keeps one padded sample, not the batch's, so there is nothing to take dW from.
  for (const auto& config : {conv(6, 5, 5, 1, 1, Padding::kSame, 0, 0, Activation::kRelu),
                             conv(16, 3, 3, 1, 1, Padding::kValid, 0, 0, Activation::kRelu),
                             conv(4, 3, 3, 2, 2, Padding::kSame)}) {
    for (ConvMethod m : methods_for(config, Shape{2, 9, 9})) {
      Conv2d layer(config, m);
      layer.setup(Shape{2, 9, 9});
      Rng rng(8);
      set_params(layer, rng);
      const Tensor x = test::random_tensor(Shape{3, 2, 9, 9}, rng);
      const Tensor& y = layer.forward(x, Mode::kInfer);
      INFO(layer.describe() << ", method " << conv_method_name(m));
      REQUIRE_THROWS_AS(layer.backward(Tensor(y.shape())), Error);
      layer.forward(x, Mode::kTrain);
      REQUIRE_NOTHROW(layer.backward(Tensor(y.shape())));
    }
  }
}

TEST_CASE("conv gradients match central differences, every method", "[conv][gradcheck]") {
  struct Case {
    Conv2dConfig config;
    Shape x;
  } cases[] = {
      {conv(3, 3, 3, 1, 1, Padding::kValid), {2, 2, 5, 6}},
      {conv(2, 3, 2, 2, 2, Padding::kSame), {2, 1, 7, 7}},                        // odd size, non-square, stride 2
      {conv(2, 2, 2, 2, 2, Padding::kSame, 0, 0, Activation::kTanh), {2, 3, 6, 5}},  // even kernel, extra pad bottom/right
      {conv(2, 4, 4, 1, 1, Padding::kSame, 0, 0, Activation::kSigmoid), {1, 2, 5, 5}},
      {conv(2, 3, 3, 2, 1, Padding::kExplicit, 1, 2, Activation::kScaledTanh), {2, 2, 5, 4}},
      {conv(2, 3, 3, 1, 2, Padding::kSame, 0, 0, Activation::kRelu), {2, 2, 4, 5}},
      // More filters than one vector holds (the rule's kPositions and kBlas).
      {conv(11, 3, 2, 1, 1, Padding::kSame, 0, 0, Activation::kTanh), {2, 2, 5, 6}},
      {conv(16, 2, 3, 1, 1, Padding::kExplicit, 1, 2), {1, 3, 4, 3}},
      {conv(9, 3, 3, 1, 1, Padding::kValid, 0, 0, Activation::kSigmoid), {2, 1, 5, 7}},
      {conv(10, 3, 2, 2, 3, Padding::kExplicit, 2, 1, Activation::kRelu), {2, 2, 7, 6}},
      {conv(17, 2, 2, 3, 2, Padding::kSame), {1, 2, 5, 5}},
  };
  for (std::size_t k = 0; k < std::size(cases); ++k) {
    const Case& c = cases[k];
    for (ConvMethod m : methods_for(c.config, c.x.without_batch())) {
      Conv2d layer(c.config, m);
      layer.setup(c.x.without_batch());
      INFO(layer.describe() << " on " << c.x.str() << ", method " << conv_method_name(m));
      // A seed per case, the same for every method: each method checks the same numbers, and no
      // check depends on the ones before it. With ReLU a draw can put a pre-activation within
      // the difference step of the kink, where central differences mean nothing (seeds 2, 3, 6
      // and 8 do, for the naive method as much as the others); seed 5 keeps every case clear.
      Rng rng(5 + 100 * k);
      test::check_layer_gradients(layer, test::random_tensor(c.x, rng), rng);
    }
  }
}

TEST_CASE("conv's fused 2x2 max pool equals forward then Pool2d bit for bit, every method", "[conv]") {
  // Even and odd outputs (a pool that drops a row/column), few and many filters, ReLU and no
  // activation (the fused ones) and tanh (not fused). Values from a small set make ties and
  // exact zeros frequent, so the order of comparisons matters.
  struct Case {
    Conv2dConfig config;
    Shape x;
  } cases[] = {
      {conv(6, 5, 5, 1, 1, Padding::kSame, 0, 0, Activation::kRelu), {5, 1, 28, 28}},    // LeNet conv1
      {conv(16, 5, 5, 1, 1, Padding::kValid, 0, 0, Activation::kRelu), {5, 6, 14, 14}},  // LeNet conv2
      {conv(5, 3, 3, 1, 1, Padding::kValid, 0, 0, Activation::kNone), {3, 2, 15, 13}},
      {conv(12, 2, 2, 1, 1, Padding::kSame, 0, 0, Activation::kRelu), {3, 3, 7, 9}},
      {conv(9, 2, 3, 1, 1, Padding::kExplicit, 1, 0, Activation::kNone), {2, 2, 6, 7}},
      {conv(4, 3, 3, 1, 1, Padding::kSame, 0, 0, Activation::kTanh), {2, 2, 8, 8}},
      {conv(4, 3, 3, 2, 2, Padding::kSame, 0, 0, Activation::kRelu), {2, 2, 12, 12}},
  };
  Rng rng(17);
  for (auto& c : cases) {
    Tensor x(c.x);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(rng.uniform_int(5)) * 0.5f - 1.0f;
    for (ConvMethod m : methods_for(c.config, c.x.without_batch())) {
      Conv2d layer(c.config, m);
      const Shape out = layer.setup(c.x.without_batch());
      for (Param& p : layer.params())
        for (std::size_t i = 0; i < p.value->size(); ++i) (*p.value)[i] = static_cast<float>(rng.uniform_int(5)) * 0.25f - 0.5f;
      INFO(layer.describe() << " on " << c.x.str() << ", method " << conv_method_name(m));
      const Tensor y = layer.forward(x, Mode::kInfer);
      layer.forward(x, Mode::kTrain);
      const Tensor* fused = layer.forward_max_pooled_2x2(x, Mode::kInfer);
      const bool stride1 = m == ConvMethod::kShiftedRows || m == ConvMethod::kPositions;
      const bool fusable = c.config.activation == Activation::kRelu || c.config.activation == Activation::kNone;
      REQUIRE((fused != nullptr) == (stride1 && fusable));
      if (fused == nullptr) {
        REQUIRE_THROWS_AS(layer.backward_max_pooled_2x2(Tensor(Shape{c.x[0], out[0], out[1] / 2, out[2] / 2})), Error);
        continue;
      }
      // The fused pass here is inference: it leaves nothing to take gradients from.
      REQUIRE_THROWS_AS(layer.backward(Tensor(y.shape())), Error);
      REQUIRE_THROWS_AS(layer.backward_max_pooled_2x2(Tensor(fused->shape())), Error);
      Pool2d pool(Pool2dConfig{PoolType::kMax, 2, 2, 2, 2});
      pool.setup(out);
      const Tensor& pooled = pool.forward(y, Mode::kInfer);
      REQUIRE(fused->shape() == pooled.shape());
      for (std::size_t i = 0; i < pooled.size(); ++i) {
        INFO("element " << i << ": " << (*fused)[i] << " vs " << pooled[i]);
        REQUIRE(same_bits((*fused)[i], pooled[i]));
      }
    }
  }
}

TEST_CASE("conv's fused 2x2 max pool in training: pooled output and every gradient equal the plain passes bit for bit",
          "[conv]") {
  // forward + Pool2d forward, then Pool2d backward + backward, against forward_max_pooled_2x2 in
  // training mode and backward_max_pooled_2x2. Values from a small set make ties (the first
  // maximum must win, as in Pool2d) and exact zeros after ReLU (no gradient) frequent; the
  // gradient holds -0 (Pool2d's 0 + dy makes it +0) and the input a NaN and -0 in one case. Odd
  // outputs leave a row and column no window covers; the first layer's case skips dx.
  struct Case {
    Conv2dConfig config;
    Shape x;
    bool input_gradient;
    bool poison;  // a NaN and a -0 in x
  } cases[] = {
      {conv(6, 5, 5, 1, 1, Padding::kSame, 0, 0, Activation::kRelu), {4, 1, 28, 28}, false, false},    // LeNet conv1
      {conv(16, 5, 5, 1, 1, Padding::kValid, 0, 0, Activation::kRelu), {4, 6, 14, 14}, true, false},   // LeNet conv2
      {conv(5, 3, 3, 1, 1, Padding::kValid, 0, 0, Activation::kNone), {3, 2, 15, 13}, true, false},
      {conv(12, 2, 2, 1, 1, Padding::kSame, 0, 0, Activation::kRelu), {3, 3, 7, 9}, true, true},
      {conv(9, 2, 3, 1, 1, Padding::kExplicit, 1, 0, Activation::kNone), {2, 2, 6, 7}, true, true},
      {conv(32, 3, 3, 1, 1, Padding::kSame, 0, 0, Activation::kRelu), {2, 3, 10, 10}, true, false},  // RGB-like
      {conv(7, 3, 3, 1, 1, Padding::kValid, 0, 0, Activation::kNone), {2, 2, 19, 21}, true, true},  // 9 windows a row
      {conv(3, 3, 3, 1, 1, Padding::kSame, 0, 0, Activation::kRelu), {2, 2, 17, 33}, true, true},   // 16, then 8 of 16
  };
  Rng rng(23);
  for (auto& c : cases) {
    Tensor x(c.x);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(rng.uniform_int(5)) * 0.5f - 1.0f;
    if (c.poison) {
      x[7] = std::numeric_limits<float>::quiet_NaN();
      x[11] = -0.0f;
    }
    for (ConvMethod m : {ConvMethod::kShiftedRows, ConvMethod::kPositions}) {
      Conv2d plain(c.config, m), fused(c.config, m);
      const Shape out = plain.setup(c.x.without_batch());
      fused.setup(c.x.without_batch());
      INFO(plain.describe() << " on " << c.x.str() << ", method " << conv_method_name(m));
      plain.set_input_gradient(c.input_gradient);
      fused.set_input_gradient(c.input_gradient);
      auto plain_params = plain.params(), fused_params = fused.params();
      for (std::size_t p = 0; p < plain_params.size(); ++p)
        for (std::size_t i = 0; i < plain_params[p].value->size(); ++i)
          (*plain_params[p].value)[i] = (*fused_params[p].value)[i] = static_cast<float>(rng.uniform_int(5)) * 0.25f - 0.5f;
      Pool2d pool(Pool2dConfig{PoolType::kMax, 2, 2, 2, 2});
      pool.setup(out);
      const Tensor& pooled = pool.forward(plain.forward(x, Mode::kTrain), Mode::kTrain);
      const Tensor* fused_pooled = fused.forward_max_pooled_2x2(x, Mode::kTrain);
      REQUIRE(fused_pooled != nullptr);
      REQUIRE(fused_pooled->shape() == pooled.shape());
      for (std::size_t i = 0; i < pooled.size(); ++i) {
        INFO("pooled element " << i);
        REQUIRE(same_bits((*fused_pooled)[i], pooled[i]));
      }
      // No y to take a plain backward from.
      REQUIRE_THROWS_AS(fused.backward(Tensor(out.with_batch(c.x[0]))), Error);
      Tensor dpooled(pooled.shape());
      for (std::size_t i = 0; i < dpooled.size(); ++i)
        dpooled[i] = i % 5 == 0 ? -0.0f : static_cast<float>(rng.uniform_int(9)) * 0.125f - 0.5f;
      const Tensor& dx = plain.backward(pool.backward(dpooled));
      const Tensor& fused_dx = fused.backward_max_pooled_2x2(dpooled);
      if (c.input_gradient) {
        REQUIRE(fused_dx.shape() == dx.shape());
        for (std::size_t i = 0; i < dx.size(); ++i) {
          INFO("dx element " << i);
          REQUIRE(same_bits(fused_dx[i], dx[i]));
        }
      }
      for (std::size_t p = 0; p < plain_params.size(); ++p)
        for (std::size_t i = 0; i < plain_params[p].grad->size(); ++i) {
          INFO(plain_params[p].name << " gradient element " << i);
          REQUIRE(same_bits((*fused_params[p].grad)[i], (*plain_params[p].grad)[i]));
        }
    }
  }
}

TEST_CASE("conv with same padding and stride 2 matches PyTorch's fixture, every method", "[conv][fixture]") {
  // tests/fixtures/conv_same_stride2.json comes from scripts/make_conv_fixture.py (PyTorch autograd,
  // float64), with TensorFlow's same-padding rule applied explicitly there.
  std::ifstream in(std::string(CNN_SOURCE_DIR) + "/tests/fixtures/conv_same_stride2.json");
  REQUIRE(in.good());
  const auto fixture = nlohmann::json::parse(in);
  REQUIRE(fixture["cases"].size() == 3);
  auto to_tensor = [](const nlohmann::json& values, const Shape& shape) {
    Tensor t(shape);
    REQUIRE(values.size() == t.size());
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = values[i].get<float>();
    return t;
  };
  for (const auto& c : fixture["cases"]) {
    const Shape x_shape(c["x_shape"].get<std::vector<int>>());
    const Conv2dConfig config = conv(c["filters"].get<int>(), c["kernel"][0].get<int>(), c["kernel"][1].get<int>(),
                                     c["stride"][0].get<int>(), c["stride"][1].get<int>(), Padding::kSame);
    for (ConvMethod m : methods_for(config, x_shape.without_batch())) {
      INFO(c["name"].get<std::string>() << ", method " << conv_method_name(m));
      Conv2d layer(config, m);
      const Shape out = layer.setup(x_shape.without_batch());
      REQUIRE(out.with_batch(x_shape[0]) == Shape(c["y_shape"].get<std::vector<int>>()));
      auto params = layer.params();
      *params[0].value = to_tensor(c["weight"], params[0].value->shape());
      *params[1].value = to_tensor(c["bias"], params[1].value->shape());
      const Tensor x = to_tensor(c["x"], x_shape);
      const Tensor& y = layer.forward(x, Mode::kTrain);
      const Tensor expected_y = to_tensor(c["y"], y.shape());
      for (std::size_t i = 0; i < y.size(); ++i) REQUIRE(y[i] == Approx(expected_y[i]).epsilon(1e-5).margin(1e-5));
      for (Param& p : params) p.grad->fill(0.0f);
      const Tensor& dx = layer.backward(to_tensor(c["dy"], y.shape()));
      const Tensor expected_dx = to_tensor(c["dx"], x_shape);
      for (std::size_t i = 0; i < dx.size(); ++i) REQUIRE(dx[i] == Approx(expected_dx[i]).epsilon(1e-5).margin(1e-5));
      const Tensor expected_dw = to_tensor(c["dweight"], params[0].value->shape());
      for (std::size_t i = 0; i < expected_dw.size(); ++i)
        REQUIRE((*params[0].grad)[i] == Approx(expected_dw[i]).epsilon(1e-5).margin(1e-5));
      const Tensor expected_db = to_tensor(c["dbias"], params[1].value->shape());
      for (std::size_t i = 0; i < expected_db.size(); ++i)
        REQUIRE((*params[1].grad)[i] == Approx(expected_db[i]).epsilon(1e-5).margin(1e-5));
    }
  }
}
