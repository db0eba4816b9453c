// Tests of BatchNorm: central-difference gradients in training mode (through the batch
// statistics) after a conv and after a dense layer, PyTorch's fixture (forward, backward, running
// statistics, inference), and the whole-batch statistics across replicas: two halves of a batch
// joined by ThreadBatchReducers give what one layer gives on the whole batch.
#include <catch2/catch.hpp>

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/error.hpp"
#include "core/thread_batch_reducer.hpp"
#include "core/worker_team.hpp"
#include "gradcheck.hpp"
#include "layers/batch_norm.hpp"

using namespace cnn;

namespace {

Tensor to_tensor(const nlohmann::json& values, const Shape& shape) {
  Tensor t(shape);
  REQUIRE(values.size() == t.size());
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = values[i].get<float>();
  return t;
}

void require_close(const Tensor& got, const Tensor& expected, double tolerance, const char* what) {
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO(what << "[" << i << "]: " << got[i] << " vs " << expected[i]);
    REQUIRE(got[i] == Approx(expected[i]).epsilon(tolerance).margin(tolerance));
  }
}

}  // namespace

TEST_CASE("batch norm passes the gradient check in training mode, after a conv and after a dense layer", "[batch_norm][gradcheck]") {
  Rng rng(15);
  for (const Shape& in : {Shape{3, 5, 3}, Shape{2, 1, 1}, Shape{4}, Shape{7}}) {
    INFO("input " << in.str());
    BatchNorm layer(BatchNormConfig{0.1, 1e-5});
    REQUIRE(layer.setup(in) == in);
    const Tensor x = test::random_tensor(in.with_batch(in.rank() == 1 ? 5 : 3), rng, -1.0f, 2.0f);
    test::check_layer_gradients(layer, x, rng);
  }
}

TEST_CASE("batch norm matches PyTorch's fixture: forward, backward, running statistics, inference", "[batch_norm][fixture]") {
  // tests/fixtures/batch_norm_pool_same.json comes from scripts/make_modern_layers_fixture.py
  // (PyTorch's F.batch_norm in float64).
  std::ifstream in(std::string(CNN_SOURCE_DIR) + "/tests/fixtures/batch_norm_pool_same.json");
  REQUIRE(in.good());
  const auto fixture = nlohmann::json::parse(in);
  REQUIRE(fixture["batch_norm"].size() == 3);
  for (const auto& c : fixture["batch_norm"]) {
    INFO(c["name"].get<std::string>());
    const Shape x_shape(c["x_shape"].get<std::vector<int>>());
    BatchNorm layer(BatchNormConfig{c["momentum"].get<double>(), c["eps"].get<double>()});
    layer.setup(x_shape.without_batch());
    const int channels = x_shape[1];
    auto params = layer.params();
    auto state = layer.state();
    REQUIRE(params[0].name == "weight");
    REQUIRE(state[0].name == "running_mean");
    *params[0].value = to_tensor(c["gamma"], Shape{channels});
    *params[1].value = to_tensor(c["beta"], Shape{channels});
    *state[0].value = to_tensor(c["running_mean_before"], Shape{channels});
    *state[1].value = to_tensor(c["running_var_before"], Shape{channels});
    const Tensor x = to_tensor(c["x"], x_shape);
    const Tensor y = layer.forward(x, Mode::kTrain);
    require_close(y, to_tensor(c["y"], x_shape), 1e-5, "y");
    require_close(*state[0].value, to_tensor(c["running_mean_after"], Shape{channels}), 1e-6, "running_mean");
    require_close(*state[1].value, to_tensor(c["running_var_after"], Shape{channels}), 1e-6, "running_var");
    for (Param& p : params) p.grad->fill(0.0f);
    const Tensor dx = layer.backward(to_tensor(c["dy"], x_shape));
    require_close(dx, to_tensor(c["dx"], x_shape), 1e-5, "dx");
    require_close(*params[0].grad, to_tensor(c["dgamma"], Shape{channels}), 1e-5, "dgamma");
    require_close(*params[1].grad, to_tensor(c["dbeta"], Shape{channels}), 1e-5, "dbeta");
    // Inference uses the (updated) running statistics and leaves them alone.
    const Tensor running_mean = *state[0].value, running_var = *state[1].value;
    require_close(layer.forward(x, Mode::kInfer), to_tensor(c["y_infer"], x_shape), 1e-5, "y_infer");
    CHECK(state[0].value->values() == running_mean.values());
    CHECK(state[1].value->values() == running_var.values());
    REQUIRE_THROWS_AS(layer.backward(to_tensor(c["dy"], x_shape)), Error);  // no backward after inference
  }
}

TEST_CASE("batch norm's tensors: gamma 1 and beta 0 without weight decay, running statistics 0 and 1 as state", "[batch_norm]") {
  BatchNorm layer(BatchNormConfig{});
  layer.setup(Shape{3, 2, 2});
  const auto params = layer.params();
  REQUIRE(params.size() == 2);
  CHECK(params[0].fill == ParamFill::kOnes);
  CHECK(params[1].fill == ParamFill::kZeros);
  CHECK_FALSE(params[0].weight_decay);
  CHECK_FALSE(params[1].weight_decay);
  const auto state = layer.state();
  REQUIRE(state.size() == 2);
  CHECK(state[0].name == "running_mean");
  CHECK(state[1].name == "running_var");
  CHECK(state[0].grad == nullptr);
  CHECK(state[1].fill == ParamFill::kOnes);
  CHECK((*state[1].value)[0] == 1.0f);
  CHECK_THROWS_AS(layer.setup(Shape{2, 3}), Error);  // neither (C, H, W) nor (features)
}

// One layer on the whole batch against `members` layers on slices joined by the reducers: the
// same outputs, dx, running statistics, and parameter gradients once summed (up to rounding, the
// partial sums being added in another grouping).
void check_split_matches_whole(int members, const Shape& in, int n) {
  Rng rng(static_cast<std::uint64_t>(31 + members));
  const Tensor x = test::random_tensor(in.with_batch(n), rng, -1.0f, 3.0f);
  const Tensor dy = test::random_tensor(in.with_batch(n), rng);
  auto init = [&](BatchNorm& layer) {
    layer.setup(in);
    Rng same(5);
    for (const Param& p : layer.params())
      for (std::size_t i = 0; i < p.value->size(); ++i) (*p.value)[i] = same.uniform(0.5f, 1.5f);
  };
  BatchNorm whole(BatchNormConfig{});
  init(whole);
  const Tensor y_whole = whole.forward(x, Mode::kTrain);
  const Tensor dx_whole = whole.backward(dy);

  std::vector<std::unique_ptr<BatchNorm>> parts;
  ThreadBatchReducers reducers(members);
  for (int m = 0; m < members; ++m) {
    parts.push_back(std::make_unique<BatchNorm>(BatchNormConfig{}));
    init(*parts.back());
    parts.back()->set_batch_reducer(reducers.endpoint(m));
  }
  const std::size_t per_sample = in.numel();
  Tensor y_split(x.shape(), std::numeric_limits<float>::quiet_NaN()), dx_split(x.shape(), std::numeric_limits<float>::quiet_NaN());
  WorkerTeam team(members);
  team.run([&](int m) {
    const auto [begin, end] = slice_of(n, members, m);
    Tensor xs(in.with_batch(end - begin)), dys(in.with_batch(end - begin));
    std::copy(x.data() + begin * per_sample, x.data() + end * per_sample, xs.data());
    std::copy(dy.data() + begin * per_sample, dy.data() + end * per_sample, dys.data());
    const Tensor& y = parts[static_cast<std::size_t>(m)]->forward(xs, Mode::kTrain);
    std::copy(y.data(), y.data() + y.size(), y_split.data() + begin * per_sample);
    const Tensor& dx = parts[static_cast<std::size_t>(m)]->backward(dys);
    std::copy(dx.data(), dx.data() + dx.size(), dx_split.data() + begin * per_sample);
  });
  require_close(y_split, y_whole, 1e-5, "y");
  require_close(dx_split, dx_whole, 1e-5, "dx");
  for (std::size_t k = 0; k < 2; ++k) {
    Tensor summed(whole.params()[k].grad->shape());
    for (auto& part : parts)
      for (std::size_t i = 0; i < summed.size(); ++i) summed[i] += (*part->params()[k].grad)[i];
    require_close(summed, *whole.params()[k].grad, 1e-5, whole.params()[k].name.c_str());
    for (auto& part : parts)  // every replica updates its running statistics the same way
      require_close(*part->state()[k].value, *whole.state()[k].value, 1e-6, whole.state()[k].name.c_str());
  }
}

TEST_CASE("batch statistics cover the whole batch when replicas hold its slices", "[batch_norm][threads]") {
  check_split_matches_whole(2, Shape{3, 4, 5}, 5);
  check_split_matches_whole(3, Shape{3, 4, 5}, 7);
  check_split_matches_whole(2, Shape{6}, 9);
}

TEST_CASE("the thread reducer adds in member order, every member gets the same bits, and an error releases the others", "[batch_norm][threads]") {
  ThreadBatchReducers reducers(3);
  WorkerTeam team(3);
  std::vector<std::vector<double>> got(3);
  team.run([&](int m) {
    // Values whose sum depends on the grouping: (1e17 + 1) - 1e17 is 0 in double, 1 otherwise.
    std::vector<double> v = {m == 0 ? 1e17 : (m == 1 ? 1.0 : -1e17), static_cast<double>(m + 1)};
    reducers.endpoint(m)->sum(v.data(), v.size());
    got[static_cast<std::size_t>(m)] = v;
  });
  for (const auto& v : got) {
    CHECK(v[0] == (1e17 + 1.0) + -1e17);  // member order: ((m0 + m1) + m2)
    CHECK(v[1] == 6.0);
  }
  // Two of three members active: the third does not take part.
  reducers.set_active(2);
  team.run([&](int m) {
    if (m == 2) return;
    double v = m + 1.0;
    reducers.endpoint(m)->sum(&v, 1);
    CHECK(v == 3.0);
  });
  // A member that fails before the collective must not leave the others waiting.
  reducers.set_active(3);
  reducers.reset();
  REQUIRE_THROWS_WITH(team.run([&](int m) {
    try {
      if (m == 1) throw Error(ExitCode::kUsage, "member 1 failed");
      double v = 1.0;
      reducers.endpoint(m)->sum(&v, 1);
    } catch (...) {
      reducers.abort();
      throw;
    }
  }),
                      Catch::Contains("failed"));
}
