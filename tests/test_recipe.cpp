// The training recipe's knobs against PyTorch (tests/fixtures/recipe_knobs.json,
// from scripts/make_recipe_fixture.py): label smoothing (CrossEntropyLoss(label_smoothing)), AdamW
// (decoupled weight decay) and gradient clipping (clip_grad_norm_), their config keys and recorded
// settings, and a resumed run with all three.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "config/config.hpp"
#include "e2e_workspace.hpp"
#include "expect_error.hpp"
#include "io/model_file.hpp"
#include "net/builder.hpp"
#include "runtime/softmax_cross_entropy.hpp"
#include "train/gradient_clipping.hpp"
#include "train/optimizer.hpp"
#include "train/schedule.hpp"
#include "train/weight_average.hpp"

using namespace cnn;
using namespace cnn::test;
using nlohmann::json;

namespace {

json recipe_fixture() {
  std::ifstream in(std::string(CNN_SOURCE_DIR) + "/tests/fixtures/recipe_knobs.json");
  REQUIRE(in.good());
  return json::parse(in);
}

std::unique_ptr<Net> fixture_net(const json& f) {
  auto net = build_net(parse_config(f["config"].get<std::string>(), "fixture.cfg").model);
  REQUIRE(net->params().size() == f["params"].size());
  for (const Param& p : net->params()) {
    INFO(p.name);
    const json& values = f["params"].at(p.name);
    REQUIRE(values.size() == p.value->size());
    for (std::size_t i = 0; i < values.size(); ++i) (*p.value)[i] = values[i].get<float>();
  }
  return net;
}

Tensor fixture_batch(const json& f) {
  Tensor x{Shape(f["x_shape"].get<std::vector<int>>())};
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = f["x"][i].get<float>();
  return x;
}

std::vector<Label> fixture_labels(const json& f) {
  std::vector<Label> labels;
  for (const json& l : f["labels"]) labels.push_back(static_cast<Label>(l.get<int>()));
  return labels;
}

void check_close(const Tensor& got, const json& want, double tolerance, const std::string& what) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO(what << "[" << i << "]: cnn " << got[i] << ", PyTorch " << want[i].get<double>());
    CHECK(std::abs(got[i] - want[i].get<double>()) <= tolerance * (1.0 + std::abs(want[i].get<double>())));
  }
}

}  // namespace

TEST_CASE("label smoothing and AdamW match PyTorch: the loss, every gradient, three steps", "[recipe][fixture]") {
  const json f = recipe_fixture();
  const Tensor x = fixture_batch(f);
  const std::vector<Label> labels = fixture_labels(f);
  SoftmaxCrossEntropy loss;
  loss.set_label_smoothing(f["label_smoothing"].get<float>());

  auto net = fixture_net(f);
  net->zero_grad();
  CHECK(loss.forward(net->forward(x, Mode::kTrain), labels.data()) == Approx(f["loss"].get<double>()).epsilon(1e-6));
  net->backward(loss.backward());
  for (const Param& p : net->params()) check_close(*p.grad, f["grads"][p.name], 1e-5, p.name + " gradient");

  for (const bool decay_biases : {true, false}) {
  INFO("decay_biases " << decay_biases);
  auto stepped = fixture_net(f);
  OptimizerConfig config;
  config.type = OptimizerType::kAdamW;
  config.weight_decay = f["adamw"]["weight_decay"].get<float>();
  Optimizer adamw(config, decay_biases ? stepped->params() : without_bias_decay(stepped->params()));
  for (int step = 0; step < f["adamw"]["steps"].get<int>(); ++step) {
    stepped->zero_grad();
    loss.forward(stepped->forward(x, Mode::kTrain), labels.data());
    stepped->backward(loss.backward());
    adamw.step(f["adamw"]["lr"].get<float>());
  }
  // Adam's steps are lr g / (|g| + eps): where the gradient is nearly nothing (dense1's bias, which
  // the batch norm after it cancels: about 1e-17 in PyTorch's float64, 1e-9 in cnn's float32) a
  // step may go either way, so those elements are held to the three steps' lr, the rest to 1e-5.
  const double lr = f["adamw"]["lr"].get<double>();
  for (const Param& p : stepped->params()) {
    const json& want = f[decay_biases ? "after_adamw" : "after_adamw_no_bias_decay"][p.name];
    for (std::size_t i = 0; i < p.value->size(); ++i) {
      const double g = f["grads"][p.name][i].get<double>(), w = want[i].get<double>();
      const double tolerance = std::abs(g) < 1e-6 ? 3.0 * lr : 1e-5 * (1.0 + std::abs(w));
      INFO(p.name << "[" << i << "] after AdamW: cnn " << (*p.value)[i] << ", PyTorch " << w);
      CHECK(std::abs((*p.value)[i] - w) <= tolerance);
    }
  }
  }
}

TEST_CASE("gradient clipping by global norm matches PyTorch's clip_grad_norm_", "[recipe][fixture]") {
  const json f = recipe_fixture();
  const Tensor x = fixture_batch(f);
  const std::vector<Label> labels = fixture_labels(f);
  auto net = fixture_net(f);
  net->zero_grad();
  SoftmaxCrossEntropy loss;
  loss.forward(net->forward(x, Mode::kTrain), labels.data());
  net->backward(loss.backward());
  const double norm = gradient_norm(net->params());
  CHECK(norm == Approx(f["clip"]["norm_before"].get<double>()).epsilon(1e-6));
  const float factor = clip_factor(norm, f["clip"]["max_norm"].get<float>());
  CHECK(factor < 1.0f);  // the fixture's gradient is longer than max_norm: clipping acts
  // In two parts, as two threads split it: the same numbers as one.
  for (int part = 0; part < 2; ++part) scale_gradients(net->params(), factor, part, 2);
  CHECK(gradient_norm(net->params()) == Approx(f["clip"]["max_norm"].get<double>()).epsilon(1e-5));
  OptimizerConfig sgd;
  sgd.type = OptimizerType::kSgd;
  Optimizer(sgd, net->params()).step(f["clip"]["lr"].get<float>());
  for (const Param& p : net->params()) check_close(*p.value, f["after_clip_sgd"][p.name], 1e-5, p.name + " after clipping");
  CHECK(clip_factor(0.1, 0.5f) == 1.0f);  // a short gradient is left alone
}

TEST_CASE("the weights' moving average matches PyTorch's AveragedModel, and the ramped decay ModelEMA's", "[recipe][fixture][ema]") {
  const json f = recipe_fixture();
  const json& w = f["weight_averages"];
  const Tensor x = fixture_batch(f);
  const std::vector<Label> labels = fixture_labels(f);
  auto net = fixture_net(f);  // running mean 0 and variance 1, as PyTorch's at the start
  for (const Param& s : net->state()) s.value->fill(s.fill == ParamFill::kOnes ? 1.0f : 0.0f);
  OptimizerConfig momentum;
  momentum.type = OptimizerType::kMomentum;
  momentum.momentum = w["momentum"].get<float>();
  Optimizer optimizer(momentum, net->params());
  WeightAverage constant({w["decay"].get<float>(), 0.0f}, *net);
  WeightAverage ramped({w["decay"].get<float>(), w["tau"].get<float>()}, *net);
  SoftmaxCrossEntropy loss;
  for (int step = 0; step < w["steps"].get<int>(); ++step) {
    net->zero_grad();
    loss.forward(net->forward(x, Mode::kTrain), labels.data());
    net->backward(loss.backward());
    optimizer.step(w["lr"].get<float>());
    constant.begin_update();
    constant.update(0, 1);
    ramped.begin_update();  // in three parts, as three threads split it: the same numbers as one
    for (int part = 0; part < 3; ++part) ramped.update(part, 3);
  }
  std::vector<Param> named = net->params();
  named.insert(named.end(), net->state().begin(), net->state().end());
  REQUIRE(named.size() == w["live"].size());
  for (std::size_t i = 0; i < named.size(); ++i) {
    check_close(*named[i].value, w["live"][named[i].name], 1e-5, named[i].name + " trained");
    check_close(constant.tensors()[i], w["averaged_model"][named[i].name], 1e-5, named[i].name + " AveragedModel");
    check_close(ramped.tensors()[i], w["ramped"][named[i].name], 1e-5, named[i].name + " ModelEMA");
  }
  // The averages lag the trained weights: the fixture's steps moved them apart.
  double apart = 0.0;
  for (std::size_t i = 0; i < named.size(); ++i)
    for (std::size_t j = 0; j < named[i].value->size(); ++j)
      apart = std::max(apart, static_cast<double>(std::abs(constant.tensors()[i][j] - (*named[i].value)[j])));
  CHECK(apart > 1e-3);
  // Exchanged with the network twice, both are back where they were.
  const Tensor before = constant.tensors()[0];
  constant.exchange_with_net();
  CHECK(std::equal(before.data(), before.data() + before.size(), named[0].value->data()));
  constant.exchange_with_net();
  CHECK(std::equal(before.data(), before.data() + before.size(), constant.tensors()[0].data()));
}

TEST_CASE("warm-up in front of cosine, and one-cycle, give PyTorch's learning rate at every step", "[recipe][schedule]") {
  const json f = recipe_fixture()["schedules"];
  const float lr0 = f["lr"].get<float>();
  const std::int64_t per_epoch = f["steps_per_epoch"].get<std::int64_t>(), total = per_epoch * f["epochs"].get<int>();
  ScheduleConfig warm;
  warm.type = ScheduleType::kCosine;
  warm.min_lr = f["warmup_cosine"]["min_lr"].get<float>();
  warm.warmup_epochs = f["warmup_cosine"]["warmup_epochs"].get<int>();
  warm.warmup_start_factor = f["warmup_cosine"]["warmup_start_factor"].get<float>();
  ScheduleConfig cycle;
  cycle.type = ScheduleType::kOneCycle;
  cycle.pct_start = f["one_cycle"]["pct_start"].get<float>();
  cycle.div_factor = f["one_cycle"]["div_factor"].get<float>();
  cycle.final_div_factor = f["one_cycle"]["final_div_factor"].get<float>();
  for (const auto& [schedule, key] : {std::pair{warm, "warmup_cosine"}, std::pair{cycle, "one_cycle"}}) {
    const json& rates = f[key]["rates"];
    REQUIRE(rates.size() == static_cast<std::size_t>(total));
    for (std::int64_t step = 0; step < total; ++step) {
      const SchedulePoint at{static_cast<int>(step / per_epoch), step, total, per_epoch};
      INFO(key << " step " << step);
      CHECK(learning_rate(schedule, lr0, at) == Approx(rates[static_cast<std::size_t>(step)].get<double>()).epsilon(1e-6).margin(1e-9));
    }
  }
  // Without a warm-up the schedules give what they always did.
  ScheduleConfig cosine;
  cosine.type = ScheduleType::kCosine;
  CHECK(learning_rate(cosine, 0.1f, {0, 0, 100, 10}) == 0.1f);
}

TEST_CASE("without smoothing the loss is plain cross-entropy, bit for bit as before", "[recipe]") {
  Tensor logits(Shape{2, 3});
  const float z[] = {0.5f, -1.0f, 2.0f, 0.0f, 0.25f, -0.5f};
  std::copy(z, z + 6, logits.data());
  const Label labels[] = {2, 0};
  SoftmaxCrossEntropy plain, zero;
  zero.set_label_smoothing(0.0f);
  CHECK(plain.forward(logits, labels) == zero.forward(logits, labels));
  const Tensor& a = plain.backward();
  const Tensor& b = zero.backward();
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] == b[i]);
  // With smoothing e, the gradient of each row is p - ((1 - e) onehot + e / K): it sums to zero.
  SoftmaxCrossEntropy smooth;
  smooth.set_label_smoothing(0.3f);
  smooth.forward(logits, labels);
  const Tensor& g = smooth.backward(1.0f);
  for (int s = 0; s < 2; ++s) CHECK(std::abs(g[s * 3] + g[s * 3 + 1] + g[s * 3 + 2]) < 1e-6);
  CHECK(g[2] == Approx(plain.probabilities()[2] - 0.7 - 0.1));
}

TEST_CASE("train.label_smoothing and adamw are config keys, recorded only when used", "[recipe][config]") {
  const std::string base = "model:\n  input: [1, 4, 4]\n  layers:\n    - flatten\n    - dense: {units: 3}\n    - softmax\n";
  const RunConfig plain = parse_config(base, "a.cfg");
  CHECK(plain.train.label_smoothing == 0.0f);
  CHECK(settings_to_json(plain).dump().find("label_smoothing") == std::string::npos);  // old runs record what they did
  const RunConfig recipe = parse_config(base + "train:\n  label_smoothing: 0.1\n  weight_decay: 0.05\n"
                                               "  optimizer: {type: adamw, lr: 0.002, beta2: 0.99}\n",
                                        "b.cfg");
  CHECK(recipe.train.label_smoothing == 0.1f);
  CHECK(recipe.train.optimizer.type == OptimizerType::kAdamW);
  CHECK(recipe.train.optimizer.beta2 == 0.99f);
  // The recorded settings read back the same (a checkpoint's resume uses them).
  const RunConfig back = parse_settings(settings_to_json(recipe), "settings");
  CHECK(back.train.label_smoothing == 0.1f);
  CHECK(back.train.optimizer.type == OptimizerType::kAdamW);
  CHECK(back.train.optimizer.weight_decay == 0.05f);
  expect_error([&] { parse_config(base + "train:\n  label_smoothing: 1\n", "c.cfg"); }, ExitCode::kUsage,
               "c.cfg:8: train.label_smoothing");
  expect_error([&] { parse_config(base + "train:\n  clip_grad_norm: -1\n", "e.cfg"); }, ExitCode::kUsage,
               "e.cfg:8: train.clip_grad_norm");
  CHECK(parse_config(base + "train:\n  clip_grad_norm: 2.5\n", "f.cfg").train.clip_grad_norm == 2.5f);
  CHECK(parse_settings(settings_to_json(parse_config(base + "train:\n  clip_grad_norm: 2.5\n", "f.cfg")), "s")
            .train.clip_grad_norm == 2.5f);
  CHECK(settings_to_json(plain).dump().find("clip_grad_norm") == std::string::npos);
  const RunConfig warm = parse_config(base + "train:\n  schedule: {type: cosine, warmup_epochs: 2, warmup_start_factor: 0.1}\n", "g.cfg");
  CHECK(parse_settings(settings_to_json(warm), "s").train.schedule.warmup_epochs == 2);
  CHECK(parse_settings(settings_to_json(warm), "s").train.schedule.warmup_start_factor == 0.1f);
  const RunConfig cycle = parse_config(base + "train:\n  schedule: {type: one_cycle, pct_start: 0.25}\n", "h.cfg");
  CHECK(parse_settings(settings_to_json(cycle), "s").train.schedule.pct_start == 0.25f);
  CHECK(settings_to_json(plain).dump().find("warmup") == std::string::npos);
  CHECK(plain.train.decay_biases);
  const RunConfig no_bias = parse_config(base + "train:\n  decay_biases: false\n", "l.cfg");
  CHECK_FALSE(no_bias.train.decay_biases);
  CHECK_FALSE(parse_settings(settings_to_json(no_bias), "s").train.decay_biases);
  CHECK(settings_to_json(plain).dump().find("decay_biases") == std::string::npos);
  expect_error([&] { parse_config(base + "train:\n  decay_biases: maybe\n", "m.cfg"); }, ExitCode::kUsage,
               "m.cfg:8: train.decay_biases");
  expect_error([&] { parse_config(base + "train:\n  schedule: {type: one_cycle, warmup_epochs: 1}\n", "i.cfg"); }, ExitCode::kUsage,
               "i.cfg:8: train.schedule.warmup_epochs: one_cycle has its own warm-up");
  expect_error([&] { parse_config(base + "train:\n  schedule: {type: cosine, div_factor: 10}\n", "j.cfg"); }, ExitCode::kUsage,
               "only one_cycle uses it");
  expect_error([&] { parse_config(base + "train:\n  schedule: {type: cosine, warmup_start_factor: 2}\n", "k.cfg"); },
               ExitCode::kUsage, "train.schedule.warmup_start_factor");
  expect_error([&] { parse_config(base + "train:\n  optimizer: {type: momentum, beta1: 0.8}\n", "d.cfg"); }, ExitCode::kUsage,
               "only adam and adamw use it");
}

TEST_CASE("a run with adamw, label smoothing, clipping and a warm-up resumes to the same numbers as an uninterrupted one",
          "[recipe][cli]") {
  E2eWorkspace ws("recipe");
  std::string yaml = ws.tiny_config()
                         .with_optimizer("{type: adamw, lr: 0.003}")
                         .with_schedule("{type: cosine, warmup_epochs: 3}")
                         .with_epochs(30)
                         .yaml();
  const std::size_t train_at = yaml.find("train:\n");
  REQUIRE(train_at != std::string::npos);
  yaml.insert(train_at + 7, "  label_smoothing: 0.1\n  weight_decay: 0.05\n  clip_grad_norm: 0.5\n");
  write_text(ws.file("recipe.cfg"), yaml);
  ws.check_resume_is_exact("recipe.cfg");
  // The smoothed training loss can never go below the entropy of its target (0.91 on the label,
  // 0.01 on each other class: 0.50 nats), where plain cross-entropy goes towards 0: the knob took effect.
  const std::vector<std::string> rows = metric_rows(ws.file("whole/metrics.csv"));
  REQUIRE(rows.size() == 31);  // header and 30 epochs
  CHECK(std::stod(rows.back().substr(rows.back().find(',') + 1)) > 0.50);
}

TEST_CASE("early stopping ends a run whose validation accuracy stopped rising, and its checkpoint stays ended",
          "[recipe][cli]") {
  E2eWorkspace ws("early-stop");
  // A learning rate so small that no weight moves: the validation accuracy of epoch 1 is never beaten.
  std::string yaml = ws.tiny_config().with_optimizer("{type: sgd, lr: 1e-12}").with_epochs(20).yaml();
  yaml.insert(yaml.find("train:\n") + 7, "  early_stopping: {patience: 2}\n");
  write_text(ws.file("stop.cfg"), yaml);
  const RunResult r = ws.cnn("train -c stop.cfg --threads 2 --out run");
  expect_success(r);
  CHECK(r.err.find("early stopping after epoch 3: 2 epochs without a better validation accuracy") != std::string::npos);
  CHECK(metric_rows(ws.file("run/metrics.csv")).size() == 4);  // header and epochs 1-3
  // Resumed, the run is already over: nothing is trained, nothing changes.
  const auto before = model_tensors(ws.file("run/model.bin"));
  const RunResult again = ws.resume(ws.file("run/model.bin"));
  expect_success(again);
  CHECK(again.err.find("early stopping after epoch 3") != std::string::npos);
  CHECK(metric_rows(ws.file("run/metrics.csv")).size() == 4);
  CHECK(model_tensors(ws.file("run/model.bin")) == before);
  // Without validation images there is nothing to watch.
  expect_failure(ws.cnn("train -c stop.cfg --validation 0 --out none"), 2, "train.early_stopping watches the validation accuracy");
  const RunConfig parsed = parse_config(yaml, "s.cfg");
  CHECK(parsed.train.early_stopping_patience == 2);
  CHECK(parse_settings(settings_to_json(parsed), "s").train.early_stopping_patience == 2);
  std::string bad = yaml;
  bad.replace(bad.find("patience: 2"), 11, "patience: 0");
  expect_error([&] { parse_config(bad, "t.cfg"); }, ExitCode::kUsage, "train.early_stopping.patience: 0 is out of range");
}

TEST_CASE("train.ema: validation and the model files use the weights' moving average, and a run with it resumes bit for bit",
          "[recipe][cli][ema]") {
  E2eWorkspace ws("ema");
  std::string yaml = ws.tiny_config().with_optimizer("{type: momentum, lr: 0.0005}").with_epochs(4).yaml();
  yaml.insert(yaml.find("train:\n") + 7, "  ema: {decay: 0.95, tau: 20}\n");
  write_text(ws.file("ema.cfg"), yaml);
  const RunResult whole = ws.check_resume_is_exact("ema.cfg");  // every tensor, the live/ ones too
  CHECK(whole.err.find("validation, model.bin and best.bin use the weights' moving average (decay 0.95") != std::string::npos);

  // model.bin holds the average as its weights and the optimizer's beside them; best.bin the average alone.
  const auto model = model_tensors(ws.file("whole/model.bin"));
  const auto best = model_tensors(ws.file("whole/best.bin"));
  REQUIRE(model.count("live/conv1.weight") == 1);
  CHECK(model.at("live/conv1.weight") != model.at("conv1.weight"));
  CHECK(best.count("live/conv1.weight") == 0);

  // The last epoch's validation loss is the average's: cnn eval of model.bin on the validation
  // images (the last 100 training images) gives it again.
  const TinyData data;
  const SyntheticSet train = make_synthetic(data.train, data.train_seed);
  const int first = data.train - 100, pixels = 28 * 28;
  const std::vector<std::uint8_t> images(train.pixels.begin() + first * pixels, train.pixels.end());
  const std::vector<std::uint8_t> labels(train.labels.begin() + first, train.labels.end());
  write_bytes(ws.file("val-images"), idx_images_bytes(images, 100, 28, 28));
  write_bytes(ws.file("val-labels"), idx_labels_bytes(labels));
  const RunResult eval = ws.cnn("eval --weights whole/model.bin --images val-images --labels val-labels --format json");
  expect_success(eval);
  const json evaluated = json::parse(eval.out);
  const std::vector<std::string> rows = metric_rows(ws.file("whole/metrics.csv"));
  REQUIRE(rows.size() == 5);
  // epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,lr
  std::vector<std::string> fields;
  std::stringstream last(rows.back());
  for (std::string field; std::getline(last, field, ',');) fields.push_back(field);
  REQUIRE(fields.size() == 6);
  CHECK(evaluated["loss"].get<double>() == Approx(std::stod(fields[3])).epsilon(1e-5));
  CHECK(evaluated["accuracy"].get<double>() == Approx(std::stod(fields[4])).margin(1e-6));

  // A checkpoint that says it has an average but lost a live/ tensor is refused by name.
  {
    const ModelFileContents saved = load_model_file(ws.file("part/model.bin"));
    std::vector<std::pair<std::string, const Tensor*>> kept;
    for (const auto& [name, tensor] : saved.tensors)
      if (name != "live/conv1.bias") kept.emplace_back(name, &tensor);
    save_model_file(ws.file("lost.bin"), saved.header, kept);
    expect_failure(ws.resume(ws.file("lost.bin"), "--epochs 5"), 4, "'live/conv1.bias' are missing");
  }

  const RunConfig parsed = parse_config(yaml, "e.cfg");
  CHECK(parsed.train.average.decay == 0.95f);
  CHECK(parsed.train.average.tau == 20.0f);
  const RunConfig back = parse_settings(settings_to_json(parsed), "s");
  CHECK(back.train.average.decay == 0.95f);
  CHECK(back.train.average.tau == 20.0f);
  CHECK(settings_to_json(parse_config(ws.tiny_config().yaml(), "p.cfg")).dump().find("\"ema\"") == std::string::npos);
  // Bad values are refused with the file and line.
  const std::string line = std::to_string(1 + std::count(yaml.begin(), yaml.begin() + static_cast<std::ptrdiff_t>(yaml.find("  ema:")), '\n'));
  std::string bad = yaml;
  bad.replace(bad.find("decay: 0.95"), 11, "decay: 1.00");
  expect_error([&] { parse_config(bad, "f.cfg"); }, ExitCode::kUsage, "f.cfg:" + line + ": train.ema.decay");
  bad = yaml;
  bad.replace(bad.find("{decay: 0.95, tau: 20}"), 22, "{tau: 20}");
  expect_error([&] { parse_config(bad, "g.cfg"); }, ExitCode::kUsage, "g.cfg:" + line + ": train.ema");
  bad = yaml;
  bad.replace(bad.find("tau: 20"), 7, "tau: -1");
  expect_error([&] { parse_config(bad, "h.cfg"); }, ExitCode::kUsage, "h.cfg:" + line + ": train.ema.tau");
  bad = yaml;
  bad.replace(bad.find("tau: 20"), 7, "every: 5");
  expect_error([&] { parse_config(bad, "i.cfg"); }, ExitCode::kUsage, "i.cfg:" + line);
}
