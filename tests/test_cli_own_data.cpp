// End to end through the cnn executable on data of one's own: a folder of RGB images of several
// sizes with class names that hold spaces (train, eval --data, predict: class names in JSON and
// text, normalisation recorded and applied), and old model files that still read as ten digits.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "e2e_workspace.hpp"
#include "idx_writer.hpp"
#include "io/data_description.hpp"
#include "png_writer.hpp"
#include "train/checkpoint.hpp"

using namespace cnn::test;
namespace fs = std::filesystem;

namespace {

// An RGBA PNG of side x side: a noisy background with a filled square of the class's colour.
std::string colour_image(int cls, int side, std::uint64_t seed) {
  std::vector<std::uint16_t> samples;
  std::uint64_t state = seed * 2654435761u + 1;
  auto noise = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((state >> 33) % 60);
  };
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      const bool inside = y >= side / 4 && y < 3 * side / 4 && x >= side / 4 && x < 3 * side / 4;
      for (int c = 0; c < 3; ++c) samples.push_back(static_cast<std::uint16_t>(inside && c == cls ? 195 + noise() : noise()));
      samples.push_back(255);
    }
  return encode_png(side, side, PngColor::kRgba, 8, samples);
}

const char* const kClasses[] = {"red square", "green square", "blue square"};

void write_colour_folder(const std::string& root) {
  for (int cls = 0; cls < 3; ++cls)
    for (int i = 0; i < 70; ++i) {
      const std::string split = i < 60 ? "train" : "test";
      const fs::path folder = fs::path(root) / split / kClasses[cls];
      fs::create_directories(folder);
      write_bytes((folder / ("img " + std::to_string(i) + ".png")).string(), colour_image(cls, 10 + (i % 4) * 5, 100 * cls + i));
    }
}

}  // namespace

TEST_CASE("an RGB image folder trains, evaluates and predicts with its class names", "[e2e][data][folder]") {
  E2eWorkspace w("own-data", std::nullopt);
  const ScratchDir& dir = w.dir;
  const std::string data = dir.file("colours");
  write_colour_folder(data);
  // A net for 12x12 RGB images and three classes.
  TinyConfig rgb = w.tiny_config().with_data(data).with_validation(30).with_input("[3, 12, 12]").with_epochs(4);
  rgb.with_data_options("format: folder, normalize: auto").with_batch_size(16).with_seed(3).with_optimizer("{type: adam, lr: 0.01}");
  rgb.with_layers({"conv: {filters: 4, kernel: 3, padding: same, activation: relu}", "pool: {size: 2}", "flatten", "dense: {units: 3}",
                   "softmax"});
  const std::string config = w.write_config("rgb.cfg", rgb.with_output(dir.file("run")));
  const auto train = w.cnn("train --config '" + config + "' --threads 2");
  INFO(train.err);
  REQUIRE(train.exit_code == 0);
  CHECK(train.err.find("180 images of 3x12x12, 3 classes") != std::string::npos);

  const cnn::LoadedModel model = cnn::load_model(dir.file("run/model.bin"));
  CHECK(model.data.format == cnn::DataFormat::kFolder);
  CHECK(model.data.class_names == std::vector<std::string>{"blue square", "green square", "red square"});
  CHECK(model.data.channels == 3);
  CHECK(model.data.preparation == cnn::Preparation::kResize);
  REQUIRE(model.data.normalization.enabled());
  CHECK(model.data.normalization.std[0] > 0.0f);

  const auto eval = w.cnn("eval --weights '" + dir.file("run/model.bin") + "' --data '" + data + "' --format json");
  INFO(eval.err);
  REQUIRE(eval.exit_code == 0);
  const auto j = nlohmann::json::parse(eval.out);
  CHECK(j["classes"] == nlohmann::json(model.data.class_names));
  CHECK(j["count"] == 30);
  CHECK(j["confusion"].size() == 3);
  CHECK(j["per_class"][2]["class_name"] == "red square");
  CHECK(j["accuracy"].get<double>() >= 0.9);
  const auto text = w.cnn("eval --weights '" + dir.file("run/model.bin") + "' --data '" + data + "'");
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("green square") != std::string::npos);
  // A folder model without --data, or with a folder that has no test/.
  const auto no_data = w.cnn("eval --weights '" + dir.file("run/model.bin") + "'");
  CHECK(no_data.exit_code == 2);
  CHECK(no_data.err.find("needs --data DIR (it evaluates on DIR/test/<class>/*)") != std::string::npos);
  const auto no_test = w.cnn("eval --weights '" + dir.file("run/model.bin") + "' --data '" + data + "/train'");
  CHECK(no_test.exit_code == 3);
  CHECK(no_test.err.find("no test/ folder") != std::string::npos);

  // predict: a large red image and a small blue one, prepared by the loader's resize.
  write_bytes(dir.file("big red.png"), colour_image(0, 40, 999));
  write_bytes(dir.file("blue.png"), colour_image(2, 9, 998));
  const auto predict = w.cnn("predict -w '" + dir.file("run/model.bin") + "' '" + dir.file("big red.png") + "' '" +
                                 dir.file("blue.png") + "' --format json --save-prepared '" + dir.file("seen") + "'");
  INFO(predict.err);
  REQUIRE(predict.exit_code == 0);
  const auto p = nlohmann::json::parse(predict.out);
  CHECK(p[0]["class_name"] == "red square");
  CHECK(p[0]["class"] == 2);
  CHECK(p[0]["top"][0]["class_name"] == "red square");
  CHECK(p[1]["class_name"] == "blue square");
  CHECK(fs::exists(dir.file("seen/0-big red.prepared.png")));
  const auto predict_text = w.cnn("predict -w '" + dir.file("run/model.bin") + "' '" + dir.file("blue.png") + "'");
  CHECK(predict_text.out.find("blue.png: blue square  (blue square ") != std::string::npos);
  const auto raw = w.cnn("predict -w '" + dir.file("run/model.bin") + "' --raw '" + dir.file("blue.png") + "'");
  CHECK(raw.exit_code == 5);
  CHECK(raw.err.find("--raw needs a 12x12 image") != std::string::npos);
  // The prepared image predict saved is what eval would feed: predicting it raw gives the same.
  const auto again = w.cnn("predict -w '" + dir.file("run/model.bin") + "' --raw --format json '" +
                               dir.file("seen/0-big red.prepared.png") + "'");
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(nlohmann::json::parse(again.out)[0]["probabilities"] == p[0]["probabilities"]);

  // Resume reads the folder again and continues; a folder that changed since is refused.
  const auto resumed = w.cnn("train --resume '" + dir.file("run/model.bin") + "' --epochs 5");
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  write_bytes(data + "/train/red square/extra.png", colour_image(0, 30, 4242));
  const auto changed = w.cnn("train --resume '" + dir.file("run/model.bin") + "' --epochs 6");
  CHECK(changed.exit_code == 3);
  CHECK(changed.err.find("the data changed since the checkpoint (normalisation differ)") != std::string::npos);
}

TEST_CASE("digit models name their classes, and old model files read as ten digits", "[e2e][data][model]") {
  E2eWorkspace w("own-data-legacy", TinyData{300, 50, false});
  const ScratchDir& dir = w.dir;
  const std::string& data = w.data;
  write_bytes(dir.file("digit.png"),
              encode_png(20, 20, PngColor::kGray, 8, [] {
                std::vector<std::uint16_t> v(400, 255);
                for (int y = 4; y < 16; ++y) v[static_cast<std::size_t>(y * 20 + 10)] = 0;
                return v;
              }()));
  const std::string fixture = std::string(CNN_SOURCE_DIR) + "/tests/fixtures/legacy-v1-checkpoint.bin";
  const cnn::LoadedModel old = cnn::load_model(fixture);
  CHECK(old.data.class_names == cnn::default_class_names(10));
  CHECK(old.data.preparation == cnn::Preparation::kMnistDigit);
  const auto predict = w.cnn("predict -w '" + fixture + "' --format json '" + dir.file("digit.png") + "'");
  INFO(predict.err);
  REQUIRE(predict.exit_code == 0);
  const auto p = nlohmann::json::parse(predict.out);
  CHECK(p[0]["class_name"] == std::to_string(p[0]["class"].get<int>()));
  const auto eval = w.cnn("eval -w '" + fixture + "' --data '" + data + "' --format json");
  INFO(eval.err);
  REQUIRE(eval.exit_code == 0);
  CHECK(nlohmann::json::parse(eval.out)["classes"] == nlohmann::json(cnn::default_class_names(10)));

  // An IDX model with names from the config carries them into predict.
  // A dense layer alone, cnn's default batch size and optimizer.
  TinyConfig names = w.tiny_config().with_validation(50).with_layers({"flatten", "dense: {units: 10}", "softmax"}).with_epochs(1);
  names.with_data_options("class_names: [zero, one, two, three, four, five, six, seven, eight, nine]").with_batch_size(0).with_seed(1);
  const std::string config = w.write_config("named.cfg", names.with_optimizer("").with_output(dir.file("named")));
  const auto train = w.cnn("train --config '" + config + "' --threads 1");
  INFO(train.err);
  REQUIRE(train.exit_code == 0);
  const auto named = w.cnn("predict -w '" + dir.file("named/model.bin") + "' --format json '" + dir.file("digit.png") + "'");
  REQUIRE(named.exit_code == 0);
  const auto n = nlohmann::json::parse(named.out);
  const std::vector<std::string> words = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
  CHECK(n[0]["class_name"] == words[static_cast<std::size_t>(n[0]["class"].get<int>())]);
}
