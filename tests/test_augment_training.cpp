// Augmented training end to end: the augmentation runs on the worker threads, so 1 and 2 threads
// must train the same network (up to the float rounding of the gradient sum, as without
// augmentation), an interrupted augmented run resumed with --resume must end byte-identical to the
// uninterrupted one, and the settings recorded in the checkpoint carry train.augment.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "config/config.hpp"
#include "e2e_workspace.hpp"
#include "io/idx.hpp"
#include "io/image.hpp"
#include "train/checkpoint.hpp"

using namespace cnn;
using namespace cnn::test;

namespace {

// Every transform but the flip.
const char* kAugment =
    "{rotation: 15, scale: [0.9, 1.1], shear: 5, translate: 2, elastic: {alpha: 30, sigma: 4}, crop: 1, cutout: 8,"
    " erasing: {p: 0.5, scale: [0.05, 0.2], ratio: [0.5, 2]}}";

// 320 training images (and 100 for validation): 10 steps of 32.
const TinyData kData{420, 50};

// test_threads.cpp's network (the tiny net with a second dense layer), with or without augmentation.
TinyConfig augment_config(const E2eWorkspace& w, const std::string& optimizer, int epochs, bool augment) {
  TinyConfig config = w.tiny_config().with_hidden_dense(16).with_epochs(epochs).with_optimizer(optimizer).with_seed(11);
  return augment ? config.with_augment(kAugment) : config;
}

}  // namespace

TEST_CASE("augmented training on 2 threads agrees with 1 thread and differs from unaugmented", "[e2e][augment]") {
  E2eWorkspace w("augment-training", kData);
  // Plain SGD: a rounding difference in the gradient sum stays the size it is (test_threads.cpp);
  // an image augmented differently by another thread would move the weights by far more.
  const TinyConfig config = augment_config(w, "{type: sgd, lr: 0.05}", 1, true);
  const std::string one = w.train(config, 1, "one", "-q");
  const std::string two = w.train(config, 2, "two", "-q");
  require_close_models(one, two, 1e-4, 1e-6);
  const std::string again = w.train(config, 2, "again", "-q");
  CHECK(model_tensors(two) == model_tensors(again));
  const std::string plain = w.train(augment_config(w, "{type: sgd, lr: 0.05}", 1, false), 1, "plain", "-q");
  CHECK(model_tensors(plain) != model_tensors(one));
}

TEST_CASE("an interrupted augmented run resumed with --resume ends byte-identical to the uninterrupted run",
          "[e2e][augment][resume]") {
  E2eWorkspace w("augment-training", kData);
  w.write_config("run.cfg", augment_config(w, "{type: adam, lr: 0.003}", 30, true));
  const std::string args = "train --config run.cfg --threads 2 --out ";
  const auto full = w.cnn("-q " + args + "full");
  INFO(full.err);
  REQUIRE(full.exit_code == 0);
  // Ctrl-C once the first epoch is on disk (a condition, not a delay).
  const auto stopped = w.interrupt(args + "cut", "cut/metrics.csv");
  INFO(stopped.err);
  REQUIRE(stopped.exit_code == 130);
  const auto resumed = w.cnn("-q train --resume cut/model.bin");
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(model_tensors(w.dir.file("cut/model.bin")) == model_tensors(w.dir.file("full/model.bin")));
  CHECK(model_tensors(w.dir.file("cut/best.bin")) == model_tensors(w.dir.file("full/best.bin")));

  const RunConfig recorded = parse_settings(load_model(w.dir.file("cut/model.bin")).settings, "settings");
  CHECK(recorded.train.augment.rotation == 15.0f);
  CHECK(recorded.train.augment.scale_min == 0.9f);
  CHECK(recorded.train.augment.elastic_alpha == 30.0f);
  CHECK(recorded.train.augment.elastic_sigma == 4.0f);
  CHECK(recorded.train.augment.crop == 1);
  CHECK(recorded.train.augment.cutout == 8);
  CHECK(recorded.train.augment.erase_p == 0.5f);
  CHECK(recorded.train.augment.erase_scale_min == 0.05f);
  CHECK(recorded.train.augment.erase_scale_max == 0.2f);
  CHECK(recorded.train.augment.erase_ratio_min == 0.5f);
  CHECK(recorded.train.augment.erase_ratio_max == 2.0f);
  CHECK(!recorded.train.augment.flip);
}

TEST_CASE("augment-preview writes a grid of originals beside augmented images", "[e2e][augment]") {
  E2eWorkspace w("augment-training", kData);
  w.write_config("run.cfg", augment_config(w, "{type: sgd, lr: 0.05}", 1, true));
  const auto r = w.cnn("augment-preview --config run.cfg -o grid.png --count 5 --zoom 2");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // 5 pairs in rows of ceil(sqrt(5)) = 3: 3 * (2 * 56 + 2) + 4 * 8 wide, 2 * 56 + 3 * 8 high.
  const GrayImage grid = load_gray_image(w.dir.file("grid.png"));
  CHECK(grid.width == 3 * (2 * 56 + 2) + 4 * 8);
  CHECK(grid.height == 2 * 56 + 3 * 8);
  // The left image of the first pair is the first training image, enlarged; the right one differs.
  const Dataset data = load_split(w.data, true);
  bool differs = false;
  for (int y = 0; y < 56; ++y)
    for (int x = 0; x < 56; ++x) {
      const float original = data.images.pixels[static_cast<std::size_t>(y / 2) * 28 + x / 2] / 255.0f;
      REQUIRE(grid.at(8 + y, 8 + x) == Approx(original).margin(1e-6));
      differs = differs || std::abs(grid.at(8 + y, 8 + 56 + 2 + x) - original) > 0.1f;
    }
  CHECK(differs);

  const auto missing = w.cnn("augment-preview --config run.cfg -o grid.png --data no-such-folder");
  CHECK(missing.exit_code != 0);
  CHECK(missing.err.find("no-such-folder") != std::string::npos);
}
