// Tests of the optimizers (two hand-computed steps each, Adam on a quadratic), the
// initializers and the learning-rate schedules.
#include <catch2/catch.hpp>
#include <cmath>

#include "net/initializer.hpp"
#include "train/optimizer.hpp"
#include "train/schedule.hpp"

using namespace cnn;

namespace {

struct OneParam {
  Tensor w{Shape{2}};
  Tensor g{Shape{2}};
  std::vector<Param> params() { return {{"w", &w, &g, 1, 1, ParamFill::kInitializer}}; }
};

}  // namespace

TEST_CASE("SGD, momentum, Nesterov and Adam match two hand-computed steps", "[optimizer]") {
  // w0 = (1, -2), constant gradient g = (0.5, 0.25), lr = 0.1.
  auto run = [](OptimizerConfig config) {
    OneParam p;
    p.w[0] = 1.0f;
    p.w[1] = -2.0f;
    Optimizer opt(config, p.params());
    for (int step = 0; step < 2; ++step) {
      p.g[0] = 0.5f;
      p.g[1] = 0.25f;
      opt.step(0.1f);
    }
    return std::make_pair(p.w[0], p.w[1]);
  };
  OptimizerConfig sgd{OptimizerType::kSgd, 0.1f};
  auto w = run(sgd);
  CHECK(w.first == Approx(1.0 - 2 * 0.05));
  CHECK(w.second == Approx(-2.0 - 2 * 0.025));

  OptimizerConfig momentum{OptimizerType::kMomentum, 0.1f, 0.9f};
  w = run(momentum);  // v1 = g, v2 = 1.9 g: w = w0 - 0.1 (g + 1.9 g) = w0 - 0.29 g
  CHECK(w.first == Approx(1.0 - 0.29 * 0.5));
  CHECK(w.second == Approx(-2.0 - 0.29 * 0.25));

  OptimizerConfig nesterov{OptimizerType::kNesterov, 0.1f, 0.9f};
  w = run(nesterov);  // step1: v=g, w -= 0.1 (g + 0.9 g); step2: v=1.9g, w -= 0.1 (g + 1.71 g)
  CHECK(w.first == Approx(1.0 - 0.1 * (1.9 + 2.71) * 0.5));
  CHECK(w.second == Approx(-2.0 - 0.1 * (1.9 + 2.71) * 0.25));

  OptimizerConfig adam{OptimizerType::kAdam, 0.1f};
  w = run(adam);  // with a constant gradient, m̂ = g and v̂ = g² exactly: each step moves lr * g/(|g|+eps)
  CHECK(w.first == Approx(1.0 - 0.2).epsilon(1e-6));
  CHECK(w.second == Approx(-2.0 - 0.2).epsilon(1e-6));

  OptimizerConfig decay{OptimizerType::kSgd, 0.1f};
  decay.weight_decay = 0.5f;  // g + 0.5 w: step1 w0=1 -> 1 - 0.1 (0.5 + 0.5) = 0.9; step2 -> 0.9 - 0.1 (0.5 + 0.45)
  w = run(decay);
  CHECK(w.first == Approx(0.9 - 0.1 * 0.95));
}

TEST_CASE("Adam converges on a small quadratic", "[optimizer]") {
  // f(w) = Σ a_i (w_i - c_i)^2 with very different curvatures.
  OneParam p;
  p.w.fill(0.0f);
  const float a[] = {10.0f, 0.1f}, c[] = {3.0f, -1.5f};
  OptimizerConfig config{OptimizerType::kAdam, 0.05f};
  Optimizer opt(config, p.params());
  for (int step = 0; step < 3000; ++step) {
    for (int i = 0; i < 2; ++i) p.g[static_cast<std::size_t>(i)] = 2 * a[i] * (p.w[static_cast<std::size_t>(i)] - c[i]);
    opt.step(config.lr * (step < 2000 ? 1.0f : 0.1f));
  }
  CHECK(p.w[0] == Approx(3.0).margin(1e-3));
  CHECK(p.w[1] == Approx(-1.5).margin(1e-3));
  CHECK(opt.steps() == 3000);
  CHECK(opt.state().size() == 2);  // m and v of the one parameter
}

TEST_CASE("initializers draw with the documented scale", "[init]") {
  Tensor w(Shape{200, 50}), b(Shape{200}, 1.0f), g1(w.shape()), g2(b.shape());
  std::vector<Param> params{{"w", &w, &g1, 50, 200, ParamFill::kInitializer}, {"b", &b, &g2, 50, 200, ParamFill::kZeros}};
  auto stats = [&] {
    double s = 0, s2 = 0, max_abs = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
      s += w[i];
      s2 += static_cast<double>(w[i]) * w[i];
      max_abs = std::max(max_abs, std::abs(static_cast<double>(w[i])));
    }
    const double mean = s / w.size();
    return std::make_tuple(mean, std::sqrt(s2 / w.size() - mean * mean), max_abs);
  };
  Rng rng(1);
  initialize(params, Init::kHeNormal, rng);
  auto [mean, std, max_abs] = stats();
  CHECK(std::abs(mean) < 0.01);
  CHECK(std == Approx(std::sqrt(2.0 / 50)).epsilon(0.03));
  CHECK(b[0] == 0.0f);
  initialize(params, Init::kLecunNormal, rng);
  std::tie(mean, std, max_abs) = stats();
  CHECK(std == Approx(std::sqrt(1.0 / 50)).epsilon(0.03));
  initialize(params, Init::kGlorotUniform, rng);
  std::tie(mean, std, max_abs) = stats();
  const double limit = std::sqrt(6.0 / 250);
  CHECK(max_abs <= limit);
  CHECK(std == Approx(limit / std::sqrt(3.0)).epsilon(0.03));
  initialize(params, Init::kZeros, rng);
  std::tie(mean, std, max_abs) = stats();
  CHECK(max_abs == 0.0);
}

TEST_CASE("learning-rate schedules", "[schedule]") {
  ScheduleConfig constant;
  CHECK(learning_rate(constant, 0.1f, {5, 500, 1000, 10}) == 0.1f);
  ScheduleConfig step{ScheduleType::kStep, 2, 0.5f, 0.0f};
  CHECK(learning_rate(step, 0.1f, {0, 0, 100, 10}) == Approx(0.1));
  CHECK(learning_rate(step, 0.1f, {1, 0, 100, 10}) == Approx(0.1));
  CHECK(learning_rate(step, 0.1f, {2, 0, 100, 10}) == Approx(0.05));
  CHECK(learning_rate(step, 0.1f, {5, 0, 100, 10}) == Approx(0.025));
  ScheduleConfig cosine{ScheduleType::kCosine, 1, 0.1f, 0.001f};
  CHECK(learning_rate(cosine, 0.1f, {0, 0, 100, 10}) == Approx(0.1));
  CHECK(learning_rate(cosine, 0.1f, {0, 50, 100, 10}) == Approx(0.0505));
  CHECK(learning_rate(cosine, 0.1f, {0, 100, 100, 10}) == Approx(0.001));
}
