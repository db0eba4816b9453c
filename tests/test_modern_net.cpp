// The modern layers in whole networks: their config syntax, model-file round trips,
// a whole-network gradient check of conv-BN-ReLU-dropout-GAP, inference that is independent of
// the batch, and end to end: 2 threads against 1 thread and reruns, checkpoint round trip, exact
// resume, and eval on a model with batch norm and dropout.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "config/config.hpp"
#include "core/error.hpp"
#include "e2e_workspace.hpp"
#include "expect_error.hpp"
#include "gradcheck.hpp"
#include "net/builder.hpp"
#include "net/initializer.hpp"
#include "train/checkpoint.hpp"
#include "train/optimizer.hpp"

using namespace cnn;
using namespace cnn::test;
namespace fs = std::filesystem;

namespace {

// A modern small CNN in the config syntax users write, every modern layer kind in it: conv-BN-ReLU,
// a same-padded overlapping max pool, dropout, global average pooling, batch norm after a dense
// layer, leaky ReLU: the config these layer kinds were first specified with, hence its name.
const std::string kIssueConfig = R"(model:
  input: [1, 28, 28]
  layers:
    - conv:    {filters: 32, kernel: 3, padding: same}
    - batch_norm
    - relu
    - pool:    {type: max, size: 3, stride: 2, padding: same}
    - dropout: {rate: 0.25}
    - global_avg_pool
    - dense:   {units: 64}
    - batch_norm: {momentum: 0.1, eps: 0.00001}
    - leaky_relu: {slope: 0.01}
    - dense:   {units: 10}
    - softmax
)";

void expect_config_error(const std::string& text, const std::string& needle) {
  expect_error([&] { parse_config(text, "test.cfg"); }, ExitCode::kUsage, needle);
}

std::string with_layer(const std::string& layer) {
  return "model:\n  input: [1, 8, 8]\n  layers:\n    - " + layer + "\n    - flatten\n    - dense: {units: 10}\n    - softmax\n";
}

}  // namespace

TEST_CASE("the modern layers' config syntax builds, the layers are named and round-trip through the model file's JSON", "[modern][config]") {
  const RunConfig c = parse_config(kIssueConfig, "issue.cfg");
  auto net = build_net(c.model);
  CHECK(net->output_shape() == Shape{10});
  std::vector<std::string> names;
  for (const Param& p : net->params()) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"conv1.weight", "conv1.bias", "batch_norm1.weight", "batch_norm1.bias", "dense1.weight",
                                          "dense1.bias", "batch_norm2.weight", "batch_norm2.bias", "dense2.weight", "dense2.bias"});
  std::vector<std::string> state;
  for (const Param& s : net->state()) state.push_back(s.name);
  CHECK(state == std::vector<std::string>{"batch_norm1.running_mean", "batch_norm1.running_var", "batch_norm2.running_mean",
                                          "batch_norm2.running_var"});
  CHECK(c.model.layers[1].options == nlohmann::json({{"momentum", 0.1}, {"eps", 1e-5}}));  // the defaults
  CHECK(c.model.layers[3].options["padding"] == "same");
  CHECK(c.model.layers[4].options["rate"] == 0.25);
  CHECK(to_json(model_spec_from_json(to_json(c.model))) == to_json(c.model));
  CHECK(net->summary().find("batch_norm1") != std::string::npos);
  // Shapes: same max pool 3/2 on 28 gives 14; GAP gives the 32 channels.
  Rng rng(1);
  initialize(net->params(), Init::kHeNormal, rng);
  CHECK(net->forward(random_tensor(Shape{2, 1, 28, 28}, rng), Mode::kInfer).shape() == Shape{2, 10});
}

TEST_CASE("configs/fashion.cfg parses and builds with batch norm and dropout", "[modern][config]") {
  const RunConfig fashion = load_config(std::string(CNN_SOURCE_DIR) + "/configs/fashion.cfg");
  CHECK(fashion.data.dir == "/usr/share/datasets/fashion-mnist");
  auto net = build_net(fashion.model);
  CHECK(net->output_shape() == Shape{10});
  CHECK(net->state().size() == 6);  // three batch norms
  int dropouts = 0;
  for (const LayerSpec& layer : fashion.model.layers) dropouts += layer.kind == "dropout";
  CHECK(dropouts == 2);
}

TEST_CASE("bad options of the new layers are refused with the key and its range", "[modern][config]") {
  expect_config_error(with_layer("dropout: {rate: 1.0}"), "model.layers[0].dropout.rate");
  expect_config_error(with_layer("dropout: {rate: -0.1}"), "out of range");
  expect_config_error(with_layer("dropout: {rate: half}"), "expected a number");
  expect_config_error(with_layer("dropout: {p: 0.5}"), "p");
  expect_config_error(with_layer("batch_norm: {momentum: 2}"), "model.layers[0].batch_norm.momentum");
  expect_config_error(with_layer("batch_norm: {eps: 0}"), "model.layers[0].batch_norm.eps");
  expect_config_error(with_layer("leaky_relu: {slope: 1.5}"), "model.layers[0].leaky_relu.slope");
  expect_config_error(with_layer("global_avg_pool: {size: 2}"), "takes no options");
  expect_config_error(with_layer("pool: {size: 2, padding: 1}"), "expected valid or same");
  expect_config_error(with_layer("pool: {size: 2, padding: explicit}"), "expected valid or same");
  // A model file is held to the same schema.
  ModelSpec spec = parse_config(with_layer("dropout: {rate: 0.5}"), "ok.cfg").model;
  nlohmann::json json = to_json(spec);
  json["layers"][0]["rate"] = 1.5;
  expect_error([&] { model_spec_from_json(json); }, ExitCode::kModel, "rate");
  // Old model files have no "padding" on their pools: valid.
  ModelSpec old = lenet5_spec();
  json = to_json(old);
  for (auto& layer : json["layers"])
    if (layer["kind"] == "pool") layer.erase("padding");
  CHECK(to_json(model_spec_from_json(json)) == to_json(old));
}

TEST_CASE("a conv-BN-ReLU-dropout-GAP network passes the whole-network gradient check in training mode", "[modern][gradcheck]") {
  // No fused activation on the convs: the separate relu / leaky_relu layers, as in conv-BN-ReLU blocks.
  const ModelSpec spec = parse_config(R"(model:
  input: [2, 7, 6]
  layers:
    - conv: {filters: 3, kernel: 3, padding: same}
    - batch_norm
    - relu
    - dropout: {rate: 0.3}
    - conv: {filters: 4, kernel: 3, stride: 2, padding: same}
    - batch_norm: {momentum: 0.2}
    - leaky_relu: {slope: 0.1}
    - pool: {type: avg, size: 3, stride: 2, padding: same}
    - global_avg_pool
    - dense: {units: 6}
    - batch_norm
    - relu
    - dense: {units: 3}
    - softmax
)",
                                      "grad.cfg")
                             .model;
  auto net = build_net(spec);
  Rng rng(41);
  initialize(net->params(), Init::kHeNormal, rng);
  for (const Param& p : net->params())  // gammas away from 1 and betas away from 0, biases non-zero
    if (p.fill != ParamFill::kInitializer)
      for (std::size_t i = 0; i < p.value->size(); ++i) (*p.value)[i] += rng.uniform(-0.3f, 0.3f);
  net->set_input_gradient(true);
  net->set_step({5, 2, 0, 0});  // a fixed dropout mask for every forward of the check
  const Tensor x = random_tensor(Shape{4, 2, 7, 6}, rng, 0.0f, 1.0f);
  const Label labels[] = {0, 2, 1, 2};
  check_net_gradients(*net, x, labels, rng, 30);
}

TEST_CASE("inference uses the running statistics and no dropout: a sample's output does not depend on its batch", "[modern]") {
  auto net = build_net(parse_config(kIssueConfig, "issue.cfg").model);
  Rng rng(42);
  initialize(net->params(), Init::kHeNormal, rng);
  for (const Param& s : net->state())  // running statistics other than 0 and 1
    for (std::size_t i = 0; i < s.value->size(); ++i) (*s.value)[i] = rng.uniform(0.5f, 1.5f);
  const Tensor x = random_tensor(Shape{3, 1, 28, 28}, rng, 0.0f, 1.0f);
  const Tensor batch = net->forward(x, Mode::kInfer);
  for (int s = 0; s < 3; ++s) {
    Tensor one(Shape{1, 1, 28, 28});
    std::copy(x.data() + s * 784, x.data() + (s + 1) * 784, one.data());
    const Tensor& y = net->forward(one, Mode::kInfer);
    for (int k = 0; k < 10; ++k) REQUIRE(y[static_cast<std::size_t>(k)] == Approx(batch[static_cast<std::size_t>(s * 10 + k)]).margin(1e-6));
  }
  // Training mode normalises with the batch's statistics: the same sample gives another output.
  const Tensor trained = net->forward(x, Mode::kTrain);
  CHECK(trained.values() != batch.values());
}

TEST_CASE("a checkpoint with batch norm round-trips its parameters and running statistics bit for bit", "[modern][model]") {
  const ModelSpec spec = parse_config(kIssueConfig, "issue.cfg").model;
  auto net = build_net(spec);
  Rng rng(43);
  initialize(net->params(), Init::kHeNormal, rng);
  for (const Param& s : net->state())
    for (std::size_t i = 0; i < s.value->size(); ++i) (*s.value)[i] = rng.uniform(0.5f, 1.5f);
  Optimizer opt(OptimizerConfig{}, net->params());
  ScratchDir dir("modern-model");
  save_checkpoint(dir.file("m.bin"), spec, kIssueConfig, *net, &opt, nullptr);
  const LoadedModel loaded = load_model(dir.file("m.bin"));
  REQUIRE(loaded.net->state().size() == 4);
  for (std::size_t k = 0; k < net->state().size(); ++k) {
    CHECK(loaded.net->state()[k].name == net->state()[k].name);
    CHECK(loaded.net->state()[k].value->values() == net->state()[k].value->values());
  }
  for (std::size_t k = 0; k < net->params().size(); ++k)
    CHECK(loaded.net->params()[k].value->values() == net->params()[k].value->values());
  save_checkpoint(dir.file("again.bin"), loaded.spec, loaded.config_text, *loaded.net, &opt, nullptr);
  CHECK(read_bytes(dir.file("m.bin")) == read_bytes(dir.file("again.bin")));
}

TEST_CASE("the optimizer leaves batch norm's running statistics alone and does not decay gamma and beta", "[modern][optimizer]") {
  auto net = build_net(parse_config(kIssueConfig, "issue.cfg").model);
  Rng rng(44);
  initialize(net->params(), Init::kHeNormal, rng);
  OptimizerConfig config;
  config.type = OptimizerType::kSgd;
  config.weight_decay = 0.5f;
  Optimizer opt(config, net->params());
  std::vector<Tensor> state_before;
  for (const Param& s : net->state()) state_before.push_back(*s.value);
  net->zero_grad();  // zero gradients: only weight decay moves a weight
  std::vector<Tensor> before;
  for (const Param& p : net->params()) before.push_back(*p.value);
  opt.step(0.1f);
  for (std::size_t k = 0; k < net->params().size(); ++k) {
    const Param& p = net->params()[k];
    INFO(p.name);
    const bool is_bn = p.name.rfind("batch_norm", 0) == 0;
    if (is_bn) CHECK(p.value->values() == before[k].values());  // gamma 1 and beta 0 stay
    if (!is_bn && p.fill == ParamFill::kInitializer) CHECK(p.value->values() != before[k].values());  // weights decay
  }
  for (std::size_t k = 0; k < net->state().size(); ++k) CHECK(net->state()[k].value->values() == state_before[k].values());
}

namespace {

// Conv-BN-ReLU blocks with dropout and a BN after a dense layer. 321 training images: the last
// step of each epoch has 1 image, fewer than the threads, and a dense BN with one value per
// feature (no unbiased variance: running statistics unchanged).
TinyConfig bn_config(const E2eWorkspace& w, const std::string& optimizer, int epochs) {
  return w.tiny_config()
      .with_layers({"conv: {filters: 4, kernel: 3, padding: same}", "batch_norm", "relu",
                    "pool: {type: max, size: 3, stride: 2, padding: same}", "dropout: {rate: 0.2}",
                    "conv: {filters: 6, kernel: 3, padding: same}", "batch_norm", "relu", "pool: {type: max, size: 2}", "flatten",
                    "dense: {units: 16}", "batch_norm", "relu", "dropout: {rate: 0.3}", "dense: {units: 10}", "softmax"})
      .with_epochs(epochs)
      .with_optimizer(optimizer)
      .with_seed(13);
}

const TinyData kBnData{421, 50};

}  // namespace

TEST_CASE("with batch norm and dropout, 2 threads compute the math of 1 thread, and reruns are byte-identical", "[modern][e2e][threads]") {
  E2eWorkspace w("modern", kBnData);
  // SGD keeps a rounding difference the size it is (see test_threads.cpp); one epoch of 11 steps.
  const TinyConfig config = bn_config(w, "{type: sgd, lr: 0.05}", 1);
  const std::string one = w.train(config, 1, "one");
  const std::string two = w.train(config, 2, "two");
  const std::string again = w.train(config, 2, "again");
  require_close_models(one, two, 1e-4, 1e-5);
  CHECK(model_tensors(two) == model_tensors(again));
  // eval runs in inference mode on the model with its running statistics, the same numbers each time.
  const auto eval = w.eval(two, "--format json");
  INFO(eval.err);
  REQUIRE(eval.exit_code == 0);
  auto without_time = [](const std::string& out) {
    nlohmann::json j = nlohmann::json::parse(out);
    j.erase("seconds");
    return j;
  };
  const nlohmann::json first = without_time(eval.out);
  CHECK(first["count"] == 50);
  CHECK(without_time(w.eval(two, "--format json").out) == first);
}

TEST_CASE("with batch norm and dropout, a run resumed after an epoch ends bit-identical to the uninterrupted run", "[modern][e2e][resume]") {
  E2eWorkspace w("modern", kBnData);
  const TinyConfig config = bn_config(w, "{type: adam, lr: 0.003}", 3);
  const std::string full = w.train(config, 2, "full");
  // Two epochs, then --resume to the third (the dropout masks of epoch 3 depend on the global step).
  const std::string part = w.train(config, 2, "part", "--epochs 2");
  const auto resumed = w.resume(part, "--epochs 3");
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(model_tensors(part) == model_tensors(full));
  CHECK(model_tensors(w.dir.file("part/best.bin")) == model_tensors(w.dir.file("full/best.bin")));
}

TEST_CASE("with batch norm and dropout, a run interrupted mid-epoch and resumed ends bit-identical", "[modern][e2e][resume]") {
  E2eWorkspace w("modern", kBnData);
  const TinyConfig config = bn_config(w, "{type: adam, lr: 0.003}", 40);
  const std::string full = w.train(config, 2, "full");
  // Ctrl-C once the first epoch is on disk (as tests/test_resume.cpp does): the run stops after
  // some step of a later epoch, so the resumed run starts mid-epoch, at a step whose dropout masks
  // it must redraw exactly.
  const std::string out = w.dir.file("stopped");
  const auto stopped = w.interrupt("train --config " + w.write_config("stopped.cfg", config) + " --threads 2 --out " + out,
                                   out + "/metrics.csv");
  INFO(stopped.err);
  if (stopped.exit_code == 0) {
    WARN("the run finished before the interrupt arrived; nothing was resumed");
  } else {
    REQUIRE(stopped.exit_code == 130);
    const auto resumed = w.resume(out + "/model.bin");
    INFO(resumed.err);
    REQUIRE(resumed.exit_code == 0);
  }
  CHECK(model_tensors(out + "/model.bin") == model_tensors(full));
  CHECK(model_tensors(out + "/best.bin") == model_tensors(w.dir.file("full/best.bin")));
}
