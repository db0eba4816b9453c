// Test-time augmentation (runtime/test_time_augmentation.hpp): the mirror, evaluate's flip TTA
// against the logits of each image and its mirror averaged by hand, and the command line.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "core/rng.hpp"
#include "net/builder.hpp"
#include "e2e_workspace.hpp"
#include "png_writer.hpp"
#include "random_model.hpp"
#include "report/run_metrics.hpp"
#include "runtime/evaluate.hpp"
#include "runtime/model_loader.hpp"
#include "runtime/network_input.hpp"
#include "runtime/test_time_augmentation.hpp"

using namespace cnn;
using namespace cnn::test;

TEST_CASE("mirror_columns reverses every row of every channel and image", "[tta]") {
  Tensor x(Shape{2, 2, 2, 3});
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i);
  mirror_columns(x);
  for (std::size_t row = 0; row < 8; ++row)
    for (std::size_t c = 0; c < 3; ++c) CHECK(x[row * 3 + c] == static_cast<float>(row * 3 + 2 - c));
  mirror_columns(x);
  for (std::size_t i = 0; i < x.size(); ++i) CHECK(x[i] == static_cast<float>(i));
  // Moved down-right by one pixel with reflection: PyTorch's F.pad(x, (1, 1, 1, 1), "reflect")[..., 0:3, 0:3].
  Tensor square(Shape{1, 1, 3, 3}), moved;
  for (std::size_t i = 0; i < 9; ++i) square[i] = static_cast<float>(i);
  translate_reflect(square, 1, 1, moved);
  CHECK(std::vector<float>(moved.data(), moved.data() + 9) == std::vector<float>{4, 3, 4, 1, 0, 1, 4, 3, 4});
  translate_reflect(square, -1, -1, moved);  // [..., 2:5, 2:5]
  CHECK(std::vector<float>(moved.data(), moved.data() + 9) == std::vector<float>{4, 5, 4, 7, 8, 7, 4, 5, 4});
  CHECK(parse_tta("flip") == TestTimeAugmentation::kFlip);
  CHECK(parse_tta("flip-translate") == TestTimeAugmentation::kFlipTranslate);
  CHECK_THROWS_WITH(parse_tta("spin"), Catch::Contains("--tta spin: not a test-time augmentation"));
}

TEST_CASE("flip and flip-translate give PyTorch's logits of airbench94's views", "[tta][fixture]") {
  // tests/fixtures/tta_views.json, from scripts/make_tta_fixture.py.
  std::ifstream in(std::string(CNN_SOURCE_DIR) + "/tests/fixtures/tta_views.json");
  REQUIRE(in.good());
  const nlohmann::json f = nlohmann::json::parse(in);
  auto net = build_net(parse_config(f["config"].get<std::string>(), "tta_views.cfg").model);
  REQUIRE(net->params().size() == f["params"].size());
  for (const Param& p : net->params()) {
    const nlohmann::json& values = f["params"].at(p.name);
    REQUIRE(values.size() == p.value->size());
    for (std::size_t i = 0; i < values.size(); ++i) (*p.value)[i] = values[i].get<float>();
  }
  Tensor x{Shape(f["x_shape"].get<std::vector<int>>())};
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = f["x"][i].get<float>();
  const Tensor original = x;
  TtaScratch scratch;
  for (const auto tta : {TestTimeAugmentation::kNone, TestTimeAugmentation::kFlip, TestTimeAugmentation::kFlipTranslate}) {
    const nlohmann::json& want = f[tta_name(tta)];
    const Tensor& got = tta_logits(*net, x, tta, scratch);
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      INFO(tta_name(tta) << " logit " << i << ": cnn " << got[i] << ", PyTorch " << want[i].get<double>());
      CHECK(std::abs(got[i] - want[i].get<double>()) <= 1e-5 * (1.0 + std::abs(want[i].get<double>())));
    }
    CHECK(std::equal(x.data(), x.data() + x.size(), original.data()));  // the input is given back unchanged
  }
}

TEST_CASE("evaluate with flip TTA averages each image's logits with its mirror's", "[tta]") {
  const ModelSpec spec = parse_config(R"(model:
  input: [3, 6, 5]
  layers:
    - conv: {filters: 4, kernel: 3, activation: relu}
    - flatten
    - dense: {units: 4}
    - softmax
)", "tta.cfg").model;
  LoadedModel model = test::random_model(spec, 3);
  Rng rng(8);
  ImageSet images{7, 3, 6, 5, {}};
  images.pixels.resize(7 * 3 * 6 * 5);
  for (std::uint8_t& p : images.pixels) p = static_cast<std::uint8_t>(rng.uniform_int(256));
  std::vector<Label> labels{0, 1, 2, 3, 0, 1, 2};
  const Normalization normalization{{0.4f, 0.5f, 0.6f}, {0.2f, 0.3f, 0.25f}};
  ReplicaSet replicas(*model.net, spec, 2);
  const EvalResult flip = evaluate(replicas, images, labels, 0, 7, 3, normalization, true, TestTimeAugmentation::kFlip);
  const EvalResult plain = evaluate(replicas, images, labels, 0, 7, 3, normalization, true);
  int differ = 0;
  for (std::uint32_t i = 0; i < 7; ++i) {
    Tensor x, mirrored;
    fill_batch(images, labels, &i, 1, spec.input, x, nullptr, normalization);
    mirrored = x;
    mirror_columns(mirrored);
    const Tensor a = model.net->forward(x, Mode::kInfer);
    const Tensor b = model.net->forward(mirrored, Mode::kInfer);
    std::vector<double> mean(4);
    double top = -1e30;
    int best = 0;
    for (int c = 0; c < 4; ++c) {
      mean[static_cast<std::size_t>(c)] = 0.5 * (a[static_cast<std::size_t>(c)] + b[static_cast<std::size_t>(c)]);
      if (mean[static_cast<std::size_t>(c)] > top) top = mean[static_cast<std::size_t>(c)], best = c;
    }
    double z = 0;
    for (double m : mean) z += std::exp(m - top);
    const double loss = -(mean[static_cast<std::size_t>(labels[i])] - top - std::log(z));
    CHECK(flip.predictions[i] == best);
    CHECK(flip.losses[i] == Approx(loss).epsilon(1e-5));
    CHECK(flip.probabilities[i * 4 + static_cast<std::size_t>(best)] == Approx(1.0 / z).epsilon(1e-5));
    if (std::fabs(flip.losses[i] - plain.losses[i]) > 1e-4) ++differ;
  }
  CHECK(differ > 0);  // the mirror made a difference: the check above compared something

  // flip-translate: a quarter each for the image and its mirror, an eighth each for the pair
  // moved up-left and the pair moved down-right.
  const EvalResult six = evaluate(replicas, images, labels, 0, 7, 3, normalization, true, TestTimeAugmentation::kFlipTranslate);
  for (std::uint32_t i = 0; i < 7; ++i) {
    Tensor x;
    fill_batch(images, labels, &i, 1, spec.input, x, nullptr, normalization);
    std::vector<double> mean(4, 0.0);
    const auto add_pair = [&](Tensor view, double weight) {
      for (int side = 0; side < 2; ++side) {
        const Tensor& logits = model.net->forward(view, Mode::kInfer);
        for (std::size_t c = 0; c < 4; ++c) mean[c] += weight * logits[c];
        mirror_columns(view);
      }
    };
    add_pair(x, 0.25);
    Tensor moved;
    translate_reflect(x, -1, -1, moved);
    add_pair(moved, 0.125);
    translate_reflect(x, 1, 1, moved);
    add_pair(moved, 0.125);
    const std::size_t best = static_cast<std::size_t>(std::max_element(mean.begin(), mean.end()) - mean.begin());
    CHECK(six.predictions[i] == static_cast<Label>(best));
    double z = 0;
    for (double m : mean) z += std::exp(m - mean[best]);
    CHECK(six.probabilities[i * 4 + best] == Approx(1.0 / z).epsilon(1e-5));
  }
}

TEST_CASE("eval, predict and report take --tta flip, and a mirrored image predicts the same under it", "[tta][e2e]") {
  E2eWorkspace w("tta");
  const std::string model = w.train(w.tiny_config(), 1, "run");
  const RunResult eval = w.eval(model, "--tta flip --format json --threads 1");
  REQUIRE(eval.exit_code == 0);
  CHECK(eval.out.find("\"tta\":\"flip\"") != std::string::npos);
  CHECK(eval.err.find("and their mirrors (--tta flip") != std::string::npos);
  CHECK(w.eval(model, "--tta spin").exit_code == 2);
  const RunResult six = w.eval(model, "--tta flip-translate --format json --threads 1");
  REQUIRE(six.exit_code == 0);
  CHECK(six.out.find("\"tta\":\"flip-translate\"") != std::string::npos);
  // An image and its mirror are the same two views: the same probabilities under flip TTA.
  std::vector<std::uint16_t> pixels(28 * 28, 0), mirrored(28 * 28, 0);
  for (int y = 4; y < 24; ++y)
    for (int x = 6; x < 6 + y / 2; ++x) {
      pixels[static_cast<std::size_t>(y * 28 + x)] = 255;
      mirrored[static_cast<std::size_t>(y * 28 + 27 - x)] = 255;
    }
  test::write_bytes(w.file("a.png"), test::encode_png(28, 28, test::PngColor::kGray, 8, pixels));
  test::write_bytes(w.file("b.png"), test::encode_png(28, 28, test::PngColor::kGray, 8, mirrored));
  const auto probabilities = [&](const std::string& image, const std::string& flags) {
    const RunResult r = w.cnn("predict --raw --format json --weights '" + model + "' " + flags + " '" + w.file(image) + "'");
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out)[0]["probabilities"].get<std::vector<float>>();
  };
  const std::vector<float> a = probabilities("a.png", "--tta flip"), b = probabilities("b.png", "--tta flip");
  for (std::size_t c = 0; c < a.size(); ++c) CHECK(a[c] == Approx(b[c]).margin(1e-6));
  CHECK(probabilities("a.png", "") != probabilities("b.png", ""));
  const RunResult report = w.cnn("report '" + w.file("run") + "' --threads 1 --tta flip");
  REQUIRE(report.exit_code == 0);
  CHECK(read_text(w.file("run/report.html")).find("with flip test-time augmentation") != std::string::npos);
}

TEST_CASE("train.tta evaluates the validation images with TTA and leaves the training as it was", "[tta][e2e]") {
  E2eWorkspace w("tta-train");
  TinyConfig config = w.tiny_config().with_epochs(2).with_optimizer("{type: sgd, lr: 0.05}");
  const std::string plain_text = config.with_output(w.file("plain")).yaml();
  std::string flip_text = config.with_output(w.file("flip")).yaml();
  flip_text.replace(flip_text.find("train:\n"), 7, "train:\n  tta: flip\n");
  write_text(w.file("plain.cfg"), plain_text);
  write_text(w.file("flip.cfg"), flip_text);
  REQUIRE(w.cnn("-q train --config '" + w.file("plain.cfg") + "' --threads 1 --no-report").exit_code == 0);
  REQUIRE(w.cnn("-q train --config '" + w.file("flip.cfg") + "' --threads 1 --no-report").exit_code == 0);
  // The same weights: TTA changes what validation measures, not what training does.
  CHECK(model_tensors(w.file("plain/model.bin")) == model_tensors(w.file("flip/model.bin")));
  // The validation loss of each epoch differs, the training loss does not.
  const std::vector<EpochMetrics> plain = read_run_metrics(w.file("plain/metrics.csv"));
  const std::vector<EpochMetrics> flip = read_run_metrics(w.file("flip/metrics.csv"));
  REQUIRE(plain.size() == 2);
  REQUIRE(flip.size() == 2);
  for (std::size_t e = 0; e < 2; ++e) {
    CHECK(plain[e].train_loss == flip[e].train_loss);
    CHECK(*plain[e].validation_loss != *flip[e].validation_loss);
  }
  // Recorded, so that a resumed run validates the same way.
  CHECK(parse_settings(load_model(w.file("flip/model.bin")).settings, "s").train.validation_tta == TestTimeAugmentation::kFlip);
}
