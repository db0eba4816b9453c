// Patch whitening (train/whitening.hpp) and frozen layers: the eigendecomposition, the filters
// against PyTorch's (tests/fixtures/whitening.json, from scripts/make_whitening_fixture.py), the
// whitened outputs' second moment, the conv options, and a training run whose frozen whitening
// layer keeps the filters it started from and resumes bit for bit.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include "config/config.hpp"
#include "core/rng.hpp"
#include "e2e_workspace.hpp"
#include "expect_error.hpp"
#include "io/idx.hpp"
#include "net/builder.hpp"
#include "net/net_summary.hpp"
#include "runtime/model_loader.hpp"
#include "train/whitening.hpp"

using namespace cnn;
using namespace cnn::test;
using nlohmann::json;

TEST_CASE("symmetric_eigen: A v = lambda v, orthonormal vectors, values descending, largest component positive", "[whitening]") {
  const int n = 9;
  Rng rng(4);
  std::vector<double> b(n * n), a(n * n, 0.0);
  for (double& v : b) v = rng.uniform(-1.0f, 1.0f);
  for (int r = 0; r < n; ++r)  // a = b bᵀ: symmetric, positive semi-definite
    for (int c = 0; c < n; ++c)
      for (int k = 0; k < n; ++k) a[r * n + c] += b[r * n + k] * b[c * n + k];
  std::vector<double> values, vectors;
  symmetric_eigen(a, n, values, vectors);
  for (int i = 0; i < n; ++i) {
    INFO("eigenpair " << i << ", value " << values[i]);
    if (i > 0) CHECK(values[i] <= values[i - 1]);
    int largest = 0;
    for (int k = 0; k < n; ++k) {
      double av = 0.0;
      for (int c = 0; c < n; ++c) av += a[k * n + c] * vectors[i * n + c];
      CHECK(av == Approx(values[i] * vectors[i * n + k]).margin(1e-10));
      if (std::abs(vectors[i * n + k]) > std::abs(vectors[i * n + largest])) largest = k;
    }
    CHECK(vectors[i * n + largest] > 0.0);
    for (int j = 0; j < n; ++j) {
      double dot = 0.0;
      for (int k = 0; k < n; ++k) dot += vectors[i * n + k] * vectors[j * n + k];
      CHECK(dot == Approx(i == j ? 1.0 : 0.0).margin(1e-12));
    }
  }
}

TEST_CASE("whitening filters match PyTorch's eigh and whiten the patches they came from", "[whitening][fixture]") {
  std::ifstream in(std::string(CNN_SOURCE_DIR) + "/tests/fixtures/whitening.json");
  REQUIRE(in.good());
  const json f = json::parse(in);
  Tensor x{Shape(f["x_shape"].get<std::vector<int>>())};
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = f["x"][i].get<float>();
  const int kh = f["kernel"][0].get<int>(), kw = f["kernel"][1].get<int>();
  const std::vector<double> moment = patch_second_moment(x, kh, kw);
  REQUIRE(moment.size() == f["second_moment"].size());
  for (std::size_t i = 0; i < moment.size(); ++i)
    CHECK(moment[i] == Approx(f["second_moment"][i].get<double>()).epsilon(1e-6));
  Tensor weight(Shape{24, 3, kh, kw});
  whitening_filters(moment, f["eps"].get<double>(), weight);
  REQUIRE(weight.size() == f["weight"].size());
  for (std::size_t i = 0; i < weight.size(); ++i) {
    const double want = f["weight"][i].get<double>();
    INFO("weight[" << i << "]: cnn " << weight[i] << ", PyTorch " << want);
    CHECK(std::abs(weight[i] - want) <= 1e-5 * (1.0 + std::abs(want)));
  }

  // Run as a conv over the same images, the first 12 filters' outputs have second moment
  // diag(lambda / (lambda + eps)), the negatives' the same, each pair's cross term minus that.
  auto net = build_net(parse_config("model:\n  input: [3, 8, 8]\n  layers:\n    - conv: {filters: 24, kernel: 2, bias: false, "
                                    "init: whitening}\n    - flatten\n    - dense: {units: 2}\n    - softmax\n",
                                    "w.cfg")
                           .model);
  *net->params()[0].value = weight;
  net->forward_every_layer(x);
  REQUIRE(net->layer_output(0) != nullptr);
  const Tensor& y = *net->layer_output(0);
  const int positions = 7 * 7, n = x.shape()[0];
  for (int i = 0; i < 24; ++i)
    for (int j = 0; j < 24; ++j) {
      double sum = 0.0;
      for (int s = 0; s < n; ++s)
        for (int p = 0; p < positions; ++p)
          sum += static_cast<double>(y[(static_cast<std::size_t>(s) * 24 + i) * positions + p]) *
                 y[(static_cast<std::size_t>(s) * 24 + j) * positions + p];
      const double lambda = f["eigenvalues"][i % 12].get<double>();
      const double diagonal = lambda / (lambda + f["eps"].get<double>());
      const double want = i == j ? diagonal : (std::abs(i - j) == 12 ? -diagonal : 0.0);
      INFO("outputs " << i << " and " << j);
      CHECK(sum / (n * positions) == Approx(want).margin(1e-5));
    }
}

TEST_CASE("conv's init: whitening and trainable: false are options, in the architecture only when set", "[whitening][config]") {
  const std::string head = "model:\n  input: [3, 8, 8]\n  layers:\n    - conv: {filters: 24, kernel: 2";
  const std::string tail = "}\n    - flatten\n    - dense: {units: 2}\n    - softmax\n";
  const RunConfig plain = parse_config(head + tail, "a.cfg");
  CHECK(to_json(plain.model).dump().find("whitening") == std::string::npos);
  CHECK(to_json(plain.model).dump().find("trainable") == std::string::npos);
  const RunConfig whitened = parse_config(head + ", init: whitening, trainable: false" + tail, "b.cfg");
  const json layer = to_json(whitened.model)["layers"][0];
  CHECK(layer["init"] == "whitening");
  CHECK(layer["trainable"] == false);
  auto net = build_net(whitened.model);
  for (const Param& p : net->params()) CHECK(p.trainable == (p.name.rfind("conv1.", 0) != 0));
  CHECK(net->layer(0).describe().find("whitening frozen") != std::string::npos);
  const NetSummary summary = summarize(*net);
  CHECK(summary.layers[0].trainable == 0);
  CHECK(summary.layers[0].non_trainable == 24 * 3 * 2 * 2 + 24);  // the frozen weight and bias
  // A model file's architecture reads back the same.
  CHECK(to_json(model_spec_from_json(to_json(whitened.model))) == to_json(whitened.model));
  expect_error([&] { parse_config(head + ", init: zeros" + tail, "c.cfg"); }, ExitCode::kUsage, "c.cfg:4: ");
  expect_error([&] { parse_config(head + ", init: zeros" + tail, "c.cfg"); }, ExitCode::kUsage, "expected whitening");
  expect_error([&] { parse_config(head + ", groups: 3, init: whitening" + tail, "d.cfg"); }, ExitCode::kUsage,
               "whitening needs a plain conv");
  expect_error([&] { parse_config(head + ", trainable: no" + tail, "e.cfg"); }, ExitCode::kUsage, "e.cfg:4: ");
}

TEST_CASE("a frozen whitening layer starts from the training images' filters, keeps them, and resumes bit for bit",
          "[whitening][cli]") {
  E2eWorkspace ws("whitening");
  TinyConfig config = ws.tiny_config().with_epochs(3).with_optimizer("{type: momentum, lr: 0.01}");
  config.layers = {"conv: {filters: 8, kernel: 2, init: whitening, trainable: false}", "relu",
                   "conv: {filters: 4, kernel: 5, padding: same, activation: relu}", "pool: {type: max, size: 2}",
                   "flatten", "dense: {units: 10}", "softmax"};
  std::string yaml = config.yaml();
  yaml.insert(yaml.find("train:\n") + 7, "  weight_decay: 0.01\n");  // would move an unfrozen weight
  write_text(ws.file("white.cfg"), yaml);
  ws.check_resume_is_exact("white.cfg");

  // After three epochs the layer holds what whitening gives for the first training images
  // (all 600 here: fewer than 5,000), and its bias is still 0; the layer after it moved.
  const LoadedModel trained = load_model(ws.file("whole/model.bin"));
  const Dataset data = load_split(ws.data, true);
  Tensor want(Shape{8, 1, 2, 2});
  whiten_first_layer(data.images, data.size() - 100, trained.spec.input, trained.data.normalization, want);
  const Tensor* weight = trained.contents.find("conv1.weight");
  const Tensor* bias = trained.contents.find("conv1.bias");
  REQUIRE(weight != nullptr);
  REQUIRE(bias != nullptr);
  for (std::size_t i = 0; i < want.size(); ++i) CHECK((*weight)[i] == want[i]);
  for (std::size_t i = 0; i < bias->size(); ++i) CHECK((*bias)[i] == 0.0f);
  CHECK(std::abs(want[0]) > 1.0f);  // the pixels' second moment is below 1: the filters are long

  // Whitening reads the network's input only, and needs D or 2 D filters.
  TinyConfig second = config;
  second.layers = {"conv: {filters: 4, kernel: 3, padding: same}", "conv: {filters: 8, kernel: 2, init: whitening}", "flatten",
                   "dense: {units: 10}", "softmax"};
  write_text(ws.file("second.cfg"), second.yaml());
  expect_failure(ws.cnn("train -q -c second.cfg --out second"), 2, "conv2: init: whitening reads the network's input");
  TinyConfig count = config;
  count.layers = {"conv: {filters: 6, kernel: 2, init: whitening}", "flatten", "dense: {units: 10}", "softmax"};
  write_text(ws.file("count.cfg"), count.yaml());
  expect_failure(ws.cnn("train -q -c count.cfg --out count"), 2, "conv1: init: whitening needs 8 filters");
}
