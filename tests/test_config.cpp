// Tests of the config reader: the reference configs, and every kind of config error with the
// file, line and key it must name.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "expect_error.hpp"
#include "config/config.hpp"
#include "net/builder.hpp"

using namespace cnn;

namespace {

const std::string kMinimal = R"(model:
  input: [1, 28, 28]
  layers:
    - conv: {filters: 2, kernel: 3}
    - flatten
    - dense: {units: 10}
    - softmax
)";

void expect_config_error(const std::string& text, const std::string& needle) {
  cnn::test::expect_error([&] { parse_config(text, "test.cfg"); }, ExitCode::kUsage, needle);
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("the reference configs parse and build", "[config]") {
  const RunConfig lenet = load_config(std::string(CNN_SOURCE_DIR) + "/configs/lenet5.cfg");
  CHECK(build_net(lenet.model)->parameter_count() == 61706);
  CHECK(lenet.train.epochs == 10);
  CHECK(lenet.train.batch_size == 32);
  CHECK(lenet.train.optimizer.type == OptimizerType::kAdam);
  CHECK(lenet.train.optimizer.lr == Approx(0.001));
  CHECK(lenet.data.validation == 5000);
  CHECK(lenet.output == "runs/lenet5");
  CHECK(to_json(lenet.model) == to_json(lenet5_spec()));

  const RunConfig augmented = load_config(std::string(CNN_SOURCE_DIR) + "/configs/lenet5-augmented.cfg");
  CHECK(to_json(augmented.model) == to_json(lenet.model));  // the same network, only trained otherwise
  CHECK(augmented.train.augment.enabled());
  CHECK(!augmented.train.augment.flip);  // a mirrored digit is another glyph

  const RunConfig fashion = load_config(std::string(CNN_SOURCE_DIR) + "/configs/lenet5-fashion.cfg");
  CHECK(fashion.data.dir == "/usr/share/datasets/fashion-mnist");
  CHECK(fashion.train.schedule.type == ScheduleType::kCosine);

  const RunConfig classic = load_config(std::string(CNN_SOURCE_DIR) + "/configs/lenet5-1998.cfg");
  CHECK(classic.model.input == Shape{1, 32, 32});
  CHECK(classic.model.layers[0].options["activation"] == "scaled_tanh");
  CHECK(classic.model.layers[1].options["type"] == "avg");
  auto net = build_net(classic.model);
  CHECK(net->output_shape() == Shape{10});
}

TEST_CASE("config values and defaults", "[config]") {
  const RunConfig c = parse_config(kMinimal, "min.cfg");
  CHECK(c.model.layers.size() == 3);
  CHECK(c.model.layers[0].options["padding"] == "valid");
  CHECK(c.model.layers[0].options["stride"] == nlohmann::json::array({1, 1}));
  CHECK(c.data.validation == 5000);
  const RunConfig p = parse_config(replace(kMinimal, "kernel: 3}", "kernel: [3, 2], stride: [2, 1], padding: [1, 2]}"), "p.cfg");
  CHECK(p.model.layers[0].options["kernel"] == nlohmann::json::array({3, 2}));
  CHECK(p.model.layers[0].options["stride"] == nlohmann::json::array({2, 1}));
  CHECK(p.model.layers[0].options["padding"] == "explicit");
  CHECK(p.model.layers[0].options["pad"] == nlohmann::json::array({1, 2}));
  const RunConfig pool = parse_config(replace(kMinimal, "- flatten", "- pool: {size: 2}\n    - flatten"), "pool.cfg");
  CHECK(pool.model.layers[1].options["stride"] == nlohmann::json::array({2, 2}));  // stride defaults to the window
}

TEST_CASE("config errors name the file, line and key", "[config]") {
  expect_config_error(replace(kMinimal, "filters: 2", "filtres: 2"), "test.cfg:4: model.layers[0].conv.filtres: unknown key");
  expect_config_error(kMinimal + "trian:\n  epochs: 3\n", "test.cfg:8: trian: unknown key");
  expect_config_error(kMinimal + "train:\n  epochs: 3\n  epochs: 4\n", "test.cfg:10: train.epochs: duplicate key");
  expect_config_error(kMinimal + "train:\n  epochs: ten\n", "test.cfg:9: train.epochs: expected an integer, got 'ten'");
  expect_config_error(kMinimal + "train:\n  epochs: 0\n", "train.epochs: 0 is out of range");
  expect_config_error(kMinimal + "train:\n  batch_size: -4\n", "train.batch_size: -4 is out of range");
  expect_config_error(kMinimal + "train:\n  optimizer: {type: adam, lr: -1}\n", "train.optimizer.lr");
  expect_config_error(kMinimal + "train:\n  optimizer: {type: adamax}\n", "unknown optimizer 'adamax'");
  expect_config_error(kMinimal + "train:\n  optimizer: {lr: 0.1}\n", "train.optimizer.type: missing required key");
  expect_config_error(kMinimal + "train:\n  optimizer: {type: sgd, beta1: 0.5}\n", "only adam and adamw use it");
  expect_config_error(kMinimal + "train:\n  schedule: {type: step, gamma: 2}\n", "train.schedule.gamma");
  expect_config_error(kMinimal + "data:\n  validation: lots\n", "data.validation: expected an integer");
  expect_config_error(kMinimal + "output: [a, b]\n", "output: expected a non-empty string");
  expect_config_error(replace(kMinimal, "filters: 2, kernel: 3", "filters: 2"), "model.layers[0].conv.kernel: missing required key");
  expect_config_error(replace(kMinimal, "kernel: 3}", "kernel: 3, activation: swish}"), "unknown activation 'swish'");
  expect_config_error(replace(kMinimal, "kernel: 3}", "kernel: 3, padding: full}"), "padding");
  expect_config_error(replace(kMinimal, "- flatten", "- lstm"), "test.cfg:5: model.layers[1]: unknown layer 'lstm'");  // dropout is a layer now
  expect_config_error(replace(kMinimal, "    - softmax\n", ""), "the last layer must be softmax");
  expect_config_error(replace(kMinimal, "- flatten", "- softmax\n    - flatten"), "softmax must be the last layer");
  expect_config_error(replace(kMinimal, "input: [1, 28, 28]", "input: [1, 28]"), "model.input: expected [channels, height, width]");
  expect_config_error("train:\n  epochs: 3\n", "model: missing required key");
  expect_config_error("model: [unclosed\n", "test.cfg:2: YAML syntax error");
  expect_config_error("- just\n- a list\n", "expected a mapping");
  expect_config_error(replace(kMinimal, "kernel: 3}", "kernel: 3.5}"), "expected an integer, got '3.5'");
}

TEST_CASE("a network too large to allocate is refused before allocating", "[config]") {
  const std::string huge = replace(kMinimal, "- dense: {units: 10}", "- dense: {units: 65536}\n    - dense: {units: 10}");
  // The config reader sets the layers up to check their shapes, so it is the one that refuses.
  cnn::test::expect_error([&] { parse_config(replace(huge, "input: [1, 28, 28]", "input: [64, 1024, 1024]"), "huge.cfg"); },
                          ExitCode::kUsage, "huge.cfg: model.input: an input of (64, 1024, 1024) is more than the limit");
  cnn::test::expect_error(
      [&] {
        parse_config(replace(replace(kMinimal, "kernel: 3}", "kernel: 3, padding: same}"), "input: [1, 28, 28]",
                             "input: [1, 4096, 4096]"),
                     "wide.cfg");
      },
      ExitCode::kUsage, "limit");
  // The same limits hold for a spec that did not come from a config.
  ModelSpec spec = lenet5_spec();
  spec.input = Shape{64, 1024, 1024};
  cnn::test::expect_error([&] { build_net(spec); }, ExitCode::kUsage, "more than the limit");
}

TEST_CASE("a missing config file is a usage error", "[config]") {
  cnn::test::expect_error([] { load_config("/nonexistent/lenet.cfg"); }, ExitCode::kUsage, "/nonexistent/lenet.cfg: cannot open");
}

TEST_CASE("train.augment: values, defaults and errors naming the key and line", "[config][augment]") {
  CHECK(!parse_config(kMinimal, "min.cfg").train.augment.enabled());  // off unless asked
  const RunConfig c = parse_config(kMinimal + "train:\n  augment:\n    rotation: 12\n    scale: [0.9, 1.1]\n"
                                              "    shear: 3\n    translate: 2.5\n    elastic: {alpha: 34, sigma: 4}\n"
                                              "    flip: true\n    crop: 4\n    cutout: 16\n",
                                   "aug.cfg");
  const AugmentConfig& a = c.train.augment;
  CHECK(a.enabled());
  CHECK(a.rotation == 12.0f);
  CHECK(a.scale_min == 0.9f);
  CHECK(a.scale_max == 1.1f);
  CHECK(a.shear == 3.0f);
  CHECK(a.translate == 2.5f);
  CHECK(a.elastic_alpha == 34.0f);
  CHECK(a.elastic_sigma == 4.0f);
  CHECK(a.flip);
  CHECK(a.crop == 4);
  CHECK(a.cutout == 16);
  CHECK(parse_config(kMinimal + "train:\n  augment: {cutout: 8}\n", "c.cfg").train.augment.enabled());
  const AugmentConfig erasing =
      parse_config(kMinimal + "train:\n  augment: {erasing: {p: 0.25, ratio: [0.5, 2]}}\n", "e.cfg").train.augment;
  CHECK(erasing.enabled());
  CHECK(erasing.erase_p == 0.25f);
  CHECK(erasing.erase_scale_min == 0.02f);  // torchvision's defaults where not given
  CHECK(erasing.erase_scale_max == 0.33f);
  CHECK(erasing.erase_ratio_min == 0.5f);
  CHECK(erasing.erase_ratio_max == 2.0f);
  CHECK(!parse_config(kMinimal + "train:\n  augment: {erasing: {p: 0}}\n", "z.cfg").train.augment.enabled());
  CHECK(!parse_config(kMinimal + "train:\n  augment: {flip: false}\n", "f.cfg").train.augment.enabled());

  const std::string t = kMinimal + "train:\n  augment:\n";  // the augment keys are on line 10
  expect_config_error(t + "    rotation: 200\n", "test.cfg:10: train.augment.rotation: 200 is out of range [0, 180]");
  expect_config_error(t + "    rotation: -5\n", "test.cfg:10: train.augment.rotation: -5 is out of range");
  expect_config_error(t + "    rotate: 5\n", "test.cfg:10: train.augment.rotate: unknown key");
  expect_config_error(t + "    scale: [1.1, 0.9]\n", "test.cfg:10: train.augment.scale: min 1.1 is above max 0.9");
  expect_config_error(t + "    scale: 0.9\n", "test.cfg:10: train.augment.scale: expected a [min, max] pair");
  expect_config_error(t + "    scale: [0, 1]\n", "train.augment.scale: 0 is out of range");
  expect_config_error(t + "    shear: 75\n", "test.cfg:10: train.augment.shear: 75 is out of range");
  expect_config_error(t + "    translate: lots\n", "train.augment.translate: expected a number, got 'lots'");
  expect_config_error(t + "    elastic: {alpha: 34}\n", "test.cfg:10: train.augment.elastic.sigma: missing required key");
  expect_config_error(t + "    elastic: {alpha: 34, sigma: 0}\n", "train.augment.elastic.sigma: 0 is out of range");
  expect_config_error(t + "    elastic: {alpha: -1, sigma: 4}\n", "train.augment.elastic.alpha: -1 is out of range");
  expect_config_error(t + "    flip: yes\n", "test.cfg:10: train.augment.flip: expected true or false");
  expect_config_error(t + "    crop: 2.5\n", "train.augment.crop: expected an integer, got '2.5'");
  expect_config_error(t + "    crop: -1\n", "train.augment.crop: -1 is out of range");
  expect_config_error(t + "    cutout: 2.5\n", "test.cfg:10: train.augment.cutout: expected an integer, got '2.5'");
  expect_config_error(t + "    cutout: -4\n", "test.cfg:10: train.augment.cutout: -4 is out of range");
  expect_config_error(t + "    erasing: {scale: [0.02, 0.33]}\n", "test.cfg:10: train.augment.erasing.p: missing required key");
  expect_config_error(t + "    erasing: {p: 1.5}\n", "test.cfg:10: train.augment.erasing.p: 1.5 is out of range [0, 1]");
  expect_config_error(t + "    erasing: {p: 0.5, scale: [0.3, 0.1]}\n", "test.cfg:10: train.augment.erasing.scale: min 0.3 is above max 0.1");
  expect_config_error(t + "    erasing: {p: 0.5, scale: [0, 0.3]}\n", "train.augment.erasing.scale: 0 is out of range");
  expect_config_error(t + "    erasing: {p: 0.5, scale: [0.1, 1.5]}\n", "train.augment.erasing.scale: 1.5 is out of range");
  expect_config_error(t + "    erasing: {p: 0.5, ratio: 2}\n", "test.cfg:10: train.augment.erasing.ratio: expected a [min, max] pair");
  expect_config_error(t + "    erasing: {p: 0.5, ratio: [0, 2]}\n", "train.augment.erasing.ratio: 0 is out of range");
  expect_config_error(t + "    erasing: {p: 0.5, value: 0}\n", "test.cfg:10: train.augment.erasing.value: unknown key");
  expect_config_error(t + "    erasing: 0.5\n", "test.cfg:10: train.augment.erasing: expected a mapping");
  expect_config_error(kMinimal + "train:\n  augment: 5\n", "test.cfg:9: train.augment: expected a mapping");
}

TEST_CASE("train.tta: the validation's test-time augmentation, recorded in settings only when on", "[config][tta]") {
  CHECK(parse_config(kMinimal, "m.cfg").train.validation_tta == TestTimeAugmentation::kNone);
  const RunConfig flip = parse_config(kMinimal + "train:\n  tta: flip\n", "t.cfg");
  CHECK(flip.train.validation_tta == TestTimeAugmentation::kFlip);
  CHECK(parse_settings(settings_to_json(flip), "s").train.validation_tta == TestTimeAugmentation::kFlip);
  CHECK_FALSE(settings_to_json(parse_config(kMinimal, "m.cfg"))["train"].contains("tta"));
  CHECK(parse_config(kMinimal + "train:\n  tta: flip-translate\n", "t.cfg").train.validation_tta ==
        TestTimeAugmentation::kFlipTranslate);
  expect_config_error(kMinimal + "train:\n  tta: spin\n", "test.cfg:9: train.tta: 'spin' is not none, flip or flip-translate");
  expect_config_error(kMinimal + "train:\n  tta: [flip]\n", "test.cfg:9: train.tta");
}
