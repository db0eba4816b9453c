// Tests of the gradients behind Grad-CAM and saliency (runtime/class_evidence.hpp): the backward
// after an inference forward (Mode::kInferWithGradient) against central differences of the
// inference function, for every layer kind that behaves differently in training (batch norm,
// dropout, max pools); the tapped gradient of a layer's output against central differences of
// the network after it; Grad-CAM against CAM's closed form; the layer positions on the input;
// the choice of the layer and its errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "config/config.hpp"
#include "expect_error.hpp"
#include "gradcheck.hpp"
#include "net/builder.hpp"
#include "net/initializer.hpp"
#include "runtime/class_evidence.hpp"

using namespace cnn;

namespace {

ModelSpec spec_of(const std::string& layers, const std::string& input) {
  return parse_config("model:\n  input: " + input + "\n  layers:\n" + layers + "    - softmax\n", "evidence.cfg").model;
}

// He-initialised weights, small random biases, and batch norms' running statistics far from
// (0, 1), so that inference's batch norm is not the identity.
std::unique_ptr<Net> initialised(const ModelSpec& spec, std::uint64_t seed) {
  auto net = build_net(spec);
  Rng rng(seed);
  initialize(net->params(), Init::kHeNormal, rng);
  for (const Param& p : net->params())
    if (p.fill != ParamFill::kInitializer)
      for (std::size_t i = 0; i < p.value->size(); ++i) (*p.value)[i] = rng.uniform(0.5f, 1.5f) * (p.fill == ParamFill::kZeros ? 0.2f : 1.0f);
  for (const Param& s : net->state())
    for (std::size_t i = 0; i < s.value->size(); ++i) (*s.value)[i] = rng.uniform(0.3f, 1.7f);
  return net;
}

// f = Σ logits · r in double: the scalar whose gradient backward(r) computes.
double weighted_logits(Net& net, const Tensor& x, const Tensor& r) {
  const Tensor& y = net.forward(x, Mode::kInfer);
  double f = 0;
  for (std::size_t i = 0; i < y.size(); ++i) f += static_cast<double>(y[i]) * r[i];
  return f;
}

// (f(v + eps) - f(v - eps)) / 2 eps, with v put back as it was.
template <class F>
double central_difference(float& v, F f, double eps = 1e-3) {
  const float saved = v;
  v = saved + static_cast<float>(eps);
  const double up = f();
  v = saved - static_cast<float>(eps);
  const double down = f();
  v = saved;
  return (up - down) / (2 * eps);
}

// Every layer kind whose training forward differs from inference's, between smooth layers.
const char* kInferenceKinds = R"(    - conv: {filters: 3, kernel: 3, padding: same, activation: tanh}
    - batch_norm
    - dropout: {rate: 0.5}
    - pool: {type: max, size: 2}
    - conv: {filters: 4, kernel: 2, activation: silu}
    - batch_norm
    - global_max_pool
    - dense: {units: 3, activation: gelu}
    - dropout: {rate: 0.3}
    - dense: {units: 3}
)";

}  // namespace

TEST_CASE("after an inference forward, backward is the gradient of the inference function", "[evidence]") {
  auto net = initialised(spec_of(kInferenceKinds, "[2, 8, 8]"), 5);
  Rng rng(9);
  Tensor x(Shape{2, 2, 8, 8});
  test::fill_distinct(x, rng, 0.02f);  // max pools: no ties within reach of the perturbation
  const Tensor r = test::random_tensor(Shape{2, 3}, rng);
  net->set_input_gradient(true);
  net->zero_grad();
  net->forward_for_gradients(x);
  const Tensor dx = net->backward(r);  // a copy: the numeric forwards below reuse the buffers
  REQUIRE(dx.shape() == x.shape());
  const auto f = [&] { return weighted_logits(*net, x, r); };
  int mismatches = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double numeric = central_difference(x[i], f);
    if (!test::gradient_close(dx[i], numeric)) {
      ++mismatches;
      UNSCOPED_INFO("x[" << i << "]: backward " << dx[i] << ", central difference " << numeric);
    }
  }
  CHECK(mismatches == 0);
  // Parameter gradients are added as in training: batch norm's gamma and beta with the running
  // statistics included. (The backward above added them once, onto zeros.)
  for (const Param& p : net->params()) {
    for (std::size_t i = 0; i < std::min<std::size_t>(p.value->size(), 3); ++i) {
      INFO(p.name << "[" << i << "]");
      CHECK(test::gradient_close((*p.grad)[i], central_difference((*p.value)[i], f)));
    }
  }
  // The inference forward it differentiated is inference's: the same logits as Mode::kInfer.
  const Tensor logits = net->forward_for_gradients(x);
  const Tensor& infer = net->forward(x, Mode::kInfer);
  for (std::size_t i = 0; i < logits.size(); ++i) CHECK(logits[i] == infer[i]);
}

TEST_CASE("the tapped gradient of a layer's output is the gradient of the network after it", "[evidence]") {
  // The full network, and its tail from the layer after conv2 on, with the same weights.
  const std::string head = R"(    - conv: {filters: 3, kernel: 3, padding: same, activation: relu}
    - conv: {filters: 4, kernel: 3, stride: 2, activation: tanh}
)";
  const std::string tail = R"(    - batch_norm
    - pool: {type: avg, size: 2}
    - flatten
    - dense: {units: 5, activation: silu}
    - dense: {units: 3}
)";
  auto net = initialised(spec_of(head + tail, "[1, 11, 11]"), 21);
  auto rest = build_net(spec_of(tail, "[4, 5, 5]"));
  const std::size_t head_params = 4;  // conv1 and conv2: weight and bias each
  REQUIRE(net->params().size() == head_params + rest->params().size());
  for (std::size_t p = 0; p < rest->params().size(); ++p) *rest->params()[p].value = *net->params()[head_params + p].value;
  for (std::size_t s = 0; s < rest->state().size(); ++s) *rest->state()[s].value = *net->state()[s].value;

  Rng rng(4);
  const Tensor x = test::random_tensor(Shape{1, 1, 11, 11}, rng);
  const Tensor r = test::random_tensor(Shape{1, 3}, rng);
  net->tap_output_gradient(1);
  net->forward_for_gradients(x);
  Tensor a = *net->layer_output(1);  // conv2's output
  net->backward(r);
  const Tensor tapped = net->tapped_gradient();
  REQUIRE(tapped.shape() == a.shape());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("dL/dA[" << i << "]");
    CHECK(test::gradient_close(tapped[i], central_difference(a[i], [&] { return weighted_logits(*rest, a, r); })));
  }
}

TEST_CASE("Grad-CAM over global average pooling and a dense layer is CAM", "[evidence]") {
  // score_c = Σ_k w_ck mean(A_k) + b_c, so d score / d A_k = w_ck / P everywhere and the map is
  // max(0, Σ_k w_ck A_k / P) (Selvaraju et al. 2017, section 3.1).
  auto net = initialised(spec_of(R"(    - conv: {filters: 5, kernel: 3, padding: same, activation: relu}
    - global_avg_pool
    - dense: {units: 4}
)",
                                  "[2, 6, 7]"),
                         8);
  Rng rng(2);
  const Tensor x = test::random_tensor(Shape{1, 2, 6, 7}, rng);
  const int layer = grad_cam_layer(*net, "");
  REQUIRE(layer == 0);
  net->forward_every_layer(x);
  const Tensor maps = *net->layer_output(0);
  const Tensor& w = *net->params()[2].value;  // dense.weight (4, 5)
  for (int c = 0; c < 4; ++c) {
    const ClassEvidence e = class_evidence(*net, x, c, layer);
    REQUIRE(e.cam_height == 6);
    REQUIRE(e.cam_width == 7);
    for (int p = 0; p < 42; ++p) {
      double expected = 0;
      for (int k = 0; k < 5; ++k) expected += w[static_cast<std::size_t>(c * 5 + k)] * maps[static_cast<std::size_t>(k * 42 + p)] / 42.0;
      CHECK(e.cam[static_cast<std::size_t>(p)] == Approx(std::max(expected, 0.0)).margin(1e-6));
      // Same padding, stride 1: the map is on the input's pixels as it is.
      CHECK(e.grad_cam[static_cast<std::size_t>(p)] == Approx(e.cam[static_cast<std::size_t>(p)]).margin(1e-6));
    }
    for (const Param& p : net->params())
      for (std::size_t i = 0; i < p.grad->size(); ++i) REQUIRE((*p.grad)[i] == 0.0f);  // left at zero
  }
}

TEST_CASE("saliency is the largest |d score / d input| over the channels", "[evidence]") {
  auto net = initialised(spec_of(R"(    - conv: {filters: 3, kernel: 3, activation: tanh}
    - flatten
    - dense: {units: 2}
)",
                                  "[3, 5, 5]"),
                         3);
  Rng rng(6);
  const Tensor x = test::random_tensor(Shape{1, 3, 5, 5}, rng);
  net->set_input_gradient(false);
  const ClassEvidence e = class_evidence(*net, x, 1, grad_cam_layer(*net, ""));
  CHECK_FALSE(net->input_gradient_needed());  // put back as it was
  Tensor one_hot(Shape{1, 2});
  one_hot.fill(0.0f);
  one_hot[1] = 1.0f;
  net->set_input_gradient(true);
  net->forward_for_gradients(x);
  const Tensor& dx = net->backward(one_hot);
  for (std::size_t p = 0; p < 25; ++p)
    CHECK(e.saliency[p] == std::max({std::fabs(dx[p]), std::fabs(dx[25 + p]), std::fabs(dx[50 + p])}));
  CHECK(e.score == net->forward(x, Mode::kInfer)[1]);
}

TEST_CASE("a layer's positions on the input follow strides, paddings and kernels", "[evidence]") {
  // LeNet-5's geometry: conv 5x5 same, pool 2x2, conv 5x5 valid: conv2's row o reads the window
  // centred on pool1 row o + 2, whose window is centred on input row 2 (o + 2) + 0.5.
  auto net = initialised(spec_of(R"(    - conv: {filters: 2, kernel: 5, padding: same, activation: relu}
    - pool: {type: max, size: 2}
    - conv: {filters: 3, kernel: 5, activation: relu}
    - pool: {type: max, size: 2}
    - conv: {filters: 2, kernel: 3, stride: 2, dilation: 2}
    - flatten
    - dense: {units: 2}
)",
                                  "[1, 28, 37]"),
                         1);
  const PositionMap conv2 = positions_on_input(*net, 2);
  CHECK(conv2.scale_h == 2);
  CHECK(conv2.offset_h == 4.5);
  CHECK(conv2.scale_w == 2);
  CHECK(conv2.offset_w == 4.5);
  // conv3 (stride 2, a dilated 3x3 of extent 5, valid): row o reads pool2 row 2 o + 2, which is
  // conv2 row 4 o + 4.5.
  const PositionMap conv3 = positions_on_input(*net, 4);
  CHECK(conv3.scale_h == 8);
  CHECK(conv3.offset_h == 13.5);  // 2 (4 o + 4.5) + 4.5
  // The default Grad-CAM layer is the last conv's; flatten has no positions.
  CHECK(grad_cam_layer(*net, "") == 4);
  CHECK(grad_cam_layer(*net, "conv2") == 2);
  test::expect_error([&] { grad_cam_layer(*net, "flatten1"); }, ExitCode::kUsage, "has no positions");
  test::expect_error([&] { grad_cam_layer(*net, "conv9"); }, ExitCode::kUsage, "conv1, pool1, conv2, pool2, conv3");
}

TEST_CASE("ResNet's Grad-CAM layer is its last block's output", "[evidence]") {
  const ModelSpec spec = spec_of(R"(    - conv: {filters: 4, kernel: 3, padding: same, bias: false}
    - batch_norm
    - relu
    - residual:
        activation: relu
        layers:
          - conv: {filters: 8, kernel: 3, stride: 2, padding: same, bias: false}
          - batch_norm
          - relu
          - conv: {filters: 8, kernel: 3, padding: same, bias: false}
          - batch_norm
    - global_avg_pool
    - dense: {units: 3}
)",
                                 "[3, 8, 8]");
  auto net = initialised(spec, 12);
  const int layer = grad_cam_layer(*net, "");
  CHECK(net->layer(static_cast<std::size_t>(layer)).kind() == "relu");
  CHECK(net->layer(static_cast<std::size_t>(layer) + 1).kind() == "global_avg_pool");
  Rng rng(3);
  const Tensor x = test::random_tensor(Shape{1, 3, 8, 8}, rng);
  const ClassEvidence e = class_evidence(*net, x, 2, layer);
  CHECK(e.cam_height == 4);
  CHECK(e.grad_cam.size() == 64);
  // A network without a conv has no default layer.
  auto dense_only = initialised(spec_of("    - flatten\n    - dense: {units: 2}\n", "[1, 3, 3]"), 1);
  test::expect_error([&] { grad_cam_layer(*dense_only, ""); }, ExitCode::kUsage, "no conv layer");
}
