// Gradient checker implementation; see gradcheck.hpp.
#include "gradcheck.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "runtime/softmax_cross_entropy.hpp"

namespace cnn::test {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

double dot(const Tensor& y, const Tensor& r) {
  double s = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) s += static_cast<double>(y[i]) * r[i];
  return s;
}

void require_all_finite(const Tensor& t, const char* what) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    INFO(what << " element " << i << " was never written (still NaN) or is not finite");
    REQUIRE(std::isfinite(t[i]));
  }
}

// Forward with the output buffer poisoned first (a second forward overwrites the same buffer).
const Tensor& poisoned_forward(Layer& layer, const Tensor& x) {
  const Tensor& y = layer.forward(x, Mode::kTrain);
  const_cast<Tensor&>(y).fill(kNaN);
  const Tensor& y2 = layer.forward(x, Mode::kTrain);
  require_all_finite(y2, "forward output");
  return y2;
}

// Parameter gradients accumulate: backward adds into them and the step clears them once (Caffe's
// rule, layer.hpp). So the checker pre-fills them with random values G, not zeros, and takes the
// analytic gradient as (after - G): a backward that overwrote instead of adding would fail.
std::vector<Tensor> prefill_gradients(const std::vector<Param>& params, Rng& rng) {
  std::vector<Tensor> before;
  for (const Param& p : params) {
    for (std::size_t i = 0; i < p.grad->size(); ++i) (*p.grad)[i] = rng.uniform(-1.0f, 1.0f);
    before.push_back(*p.grad);
  }
  return before;
}

// What backward added to each parameter gradient since `before`, subtracted in double.
std::vector<Tensor> added_since(const std::vector<Param>& params, const std::vector<Tensor>& before) {
  std::vector<Tensor> added;
  for (std::size_t k = 0; k < params.size(); ++k) {
    Tensor a(params[k].grad->shape());
    for (std::size_t i = 0; i < a.size(); ++i)
      a[i] = static_cast<float>(static_cast<double>((*params[k].grad)[i]) - static_cast<double>(before[k][i]));
    added.push_back(std::move(a));
  }
  return added;
}

// A second backward of the same forward must add the same again: after the second call the
// gradients hold G + 2a, up to float rounding of the two additions.
void require_added_twice(const std::vector<Param>& params, const std::vector<Tensor>& before, const std::vector<Tensor>& once,
                         const std::string& what) {
  for (std::size_t k = 0; k < params.size(); ++k)
    for (std::size_t i = 0; i < once[k].size(); ++i) {
      const double g = before[k][i], a = once[k][i], twice = (*params[k].grad)[i];
      INFO(what << " " << params[k].name << "[" << i << "]: G " << g << ", one backward added " << a
                << ", two left " << twice << " (expected G + 2a)");
      REQUIRE(std::abs(twice - (g + 2 * a)) <= 1e-6 + 1e-5 * (std::abs(g) + 2 * std::abs(a)));
    }
}

}  // namespace

Tensor random_tensor(const Shape& shape, Rng& rng, float lo, float hi) {
  Tensor t(shape);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = rng.uniform(lo, hi);
  return t;
}

void fill_distinct(Tensor& t, Rng& rng, float gap) {
  std::vector<std::size_t> order(t.size());
  std::iota(order.begin(), order.end(), 0);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.uniform_int(i)]);
  const float offset = -gap * static_cast<float>(t.size()) / 2.0f;
  for (std::size_t i = 0; i < t.size(); ++i) t[order[i]] = offset + gap * static_cast<float>(i);
}

bool gradient_close(double analytic, double numeric) {
  return std::abs(analytic - numeric) <= 1e-3 + 1e-2 * std::max(std::abs(analytic), std::abs(numeric));
}

void check_layer_gradients(Layer& layer, const Tensor& x_in, Rng& rng, double eps) {
  Tensor x = x_in;
  std::vector<Param> params = layer.params();
  for (Param& p : params)
    for (std::size_t i = 0; i < p.value->size(); ++i) (*p.value)[i] = rng.uniform(-0.5f, 0.5f);

  const Tensor& y = poisoned_forward(layer, x);
  const Tensor r = random_tensor(y.shape(), rng);

  // Analytic gradients: dx is overwritten (its buffer poisoned after a first call), parameter
  // gradients are added to random values G (see prefill_gradients).
  const std::vector<Tensor> before = prefill_gradients(params, rng);
  const Tensor& dx0 = layer.backward(r);
  const std::vector<Tensor> dparams = added_since(params, before);
  const_cast<Tensor&>(dx0).fill(kNaN);
  layer.forward(x, Mode::kTrain);
  const Tensor dx = layer.backward(r);
  require_all_finite(dx, "dx");
  REQUIRE(dx.shape() == x.shape());
  require_added_twice(params, before, dparams, layer.kind());

  auto f = [&]() { return dot(layer.forward(x, Mode::kTrain), r); };
  // Every element of `values` against its analytic gradient in `analytic`.
  auto check_all = [&](Tensor& values, const Tensor& analytic, const std::string& what) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const float saved = values[i];
      values[i] = static_cast<float>(saved + eps);
      const double plus = f();
      values[i] = static_cast<float>(saved - eps);
      const double minus = f();
      values[i] = saved;
      const double numeric = (plus - minus) / (2 * eps);
      INFO(layer.kind() << " " << what << "[" << i << "] analytic " << analytic[i] << " numeric " << numeric);
      REQUIRE(gradient_close(analytic[i], numeric));
    }
  };
  check_all(x, dx, "dx");
  for (std::size_t k = 0; k < params.size(); ++k) check_all(*params[k].value, dparams[k], "d" + params[k].name);
}

void check_net_gradients(Net& net, const Tensor& x_in, const Label* labels, Rng& rng, int samples_per_param,
                         double eps) {
  Tensor x = x_in;
  SoftmaxCrossEntropy loss;
  auto f = [&]() { return loss.forward(net.forward(x, Mode::kTrain), labels); };
  net.zero_grad();
  const std::vector<Tensor> before = prefill_gradients(net.params(), rng);
  f();
  const Tensor dx = net.backward(loss.backward());
  require_all_finite(dx, "net dx");
  const std::vector<Tensor> dparams = added_since(net.params(), before);
  f();
  net.backward(loss.backward());
  require_added_twice(net.params(), before, dparams, "net");

  // A ReLU or max-pool kink near v makes a central difference meaningless, and in a float32
  // network the loss is only good to about 2e-7, which rules out tiny steps. A point is judged
  // only where the function is smooth around it: the forward and backward one-sided slopes at eps
  // agree (no slope jump inside [v - eps, v + eps]), and the central differences at eps and eps/3
  // agree. Other points are skipped (as Caffe's checker skips a band around kinks); skipped points
  // must stay a minority, and every judged point must match.
  const double f0 = f();
  int checked = 0, skipped = 0;
  auto evaluate_at = [&](float& v, float saved, double step, double* plus, double* minus) {
    v = static_cast<float>(saved + step);
    *plus = f();
    v = static_cast<float>(saved - step);
    *minus = f();
    v = saved;
  };
  auto check_element = [&](float& v, double analytic, const std::string& what) {
    const float saved = v;
    double plus = 0, minus = 0, plus_fine = 0, minus_fine = 0;
    evaluate_at(v, saved, eps, &plus, &minus);
    evaluate_at(v, saved, eps / 3, &plus_fine, &minus_fine);
    const double coarse = (plus - minus) / (2 * eps), fine = (plus_fine - minus_fine) / (2 * eps / 3);
    const double forward_slope = (plus - f0) / eps, backward_slope = (f0 - minus) / eps;
    const double band = 0.5 * (1e-3 + 1e-2 * std::max(std::abs(coarse), std::abs(fine)));
    if (std::abs(coarse - fine) > band || std::abs(forward_slope - backward_slope) > band) {
      ++skipped;
      return;
    }
    ++checked;
    INFO(what << " analytic " << analytic << " numeric " << coarse << " / " << fine);
    REQUIRE((gradient_close(analytic, coarse) || gradient_close(analytic, fine)));
  };
  for (std::size_t i = 0; i < x.size(); ++i) check_element(x[i], dx[i], "dx[" + std::to_string(i) + "]");
  const std::vector<Param>& params = net.params();
  for (std::size_t k = 0; k < params.size(); ++k) {
    Tensor& w = *params[k].value;
    const int count = std::min<int>(samples_per_param, static_cast<int>(w.size()));
    for (int j = 0; j < count; ++j) {
      const std::size_t i = count == static_cast<int>(w.size()) ? static_cast<std::size_t>(j) : rng.uniform_int(w.size());
      check_element(w[i], dparams[k][i], params[k].name + "[" + std::to_string(i) + "]");
    }
  }
  INFO("checked " << checked << ", skipped near kinks " << skipped);
  REQUIRE(skipped * 3 <= checked);
}

}  // namespace cnn::test
