// Augmented training end to end: the augmentation runs on the worker threads, so 1 and 2 threads
// must train the same network (up to the float rounding of the gradient sum, as without
// augmentation), an interrupted augmented run resumed with --resume must end byte-identical to the
// uninterrupted one, and the settings recorded in the checkpoint carry train.augment.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "cli_runner.hpp"
#include "config/config.hpp"
#include "idx_writer.hpp"
#include "io/idx.hpp"
#include "io/image.hpp"
#include "train/checkpoint.hpp"

using namespace cnn;
using namespace cnn::test;
namespace fs = std::filesystem;

namespace {

const char* kAugment =
    "  augment:\n"
    "    rotation: 15\n"
    "    scale: [0.9, 1.1]\n"
    "    shear: 5\n"
    "    translate: 2\n"
    "    elastic: {alpha: 30, sigma: 4}\n"
    "    crop: 1\n";

std::string augment_config(const std::string& data_dir, const std::string& optimizer, int epochs, bool augment) {
  return "data: {dir: " + data_dir + ", validation: 100}\n"
         "model:\n"
         "  input: [1, 28, 28]\n"
         "  layers:\n"
         "    - conv: {filters: 4, kernel: 5, padding: same, activation: relu}\n"
         "    - pool: {type: max, size: 2}\n"
         "    - flatten\n"
         "    - dense: {units: 16, activation: relu}\n"
         "    - dense: {units: 10}\n"
         "    - softmax\n"
         "train:\n"
         "  epochs: " + std::to_string(epochs) + "\n"
         "  batch_size: 32\n"
         "  optimizer: " + optimizer + "\n"
         "  seed: 11\n" + (augment ? kAugment : "");
}

struct Workspace {
  ScratchDir dir{"augment-training"};
  std::string data = dir.file("data");
  std::string env = "XDG_STATE_HOME='" + dir.file("state") + "' OPENBLAS_NUM_THREADS=1 ";
  Workspace() {
    fs::create_directories(data);
    write_synthetic_mnist(data, 420, 50, true);  // 320 training images: 10 steps of 32
  }
  RunResult cnn(const std::string& args) const { return run_shell("cd '" + dir.path() + "' || exit 99; " + env + "'" + CNN_EXE + "' " + args); }
  std::string train(const std::string& config_text, int threads, const std::string& out) const {
    const std::string config = dir.file(out + ".cfg");
    write_text(config, config_text);
    const auto r = cnn("-q train --config " + config + " --threads " + std::to_string(threads) + " --out " + dir.file(out));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return dir.file(out + "/model.bin");
  }
};

// The largest |a - b| / (rel-scale) over all parameters, as in test_threads.cpp.
void require_close_models(const std::string& a_path, const std::string& b_path, double rel, double abs) {
  const LoadedModel a = load_model(a_path), b = load_model(b_path);
  REQUIRE(a.net->params().size() == b.net->params().size());
  for (std::size_t k = 0; k < a.net->params().size(); ++k) {
    const Tensor& x = *a.net->params()[k].value;
    const Tensor& y = *b.net->params()[k].value;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double scale = std::max(std::abs(static_cast<double>(x[i])), std::abs(static_cast<double>(y[i])));
      INFO(a.net->params()[k].name << "[" << i << "]: " << x[i] << " vs " << y[i]);
      REQUIRE(std::abs(static_cast<double>(x[i]) - y[i]) <= rel * scale + abs);
    }
  }
}

}  // namespace

TEST_CASE("augmented training on 2 threads agrees with 1 thread and differs from unaugmented", "[e2e][augment]") {
  Workspace w;
  // Plain SGD: a rounding difference in the gradient sum stays the size it is (test_threads.cpp);
  // an image augmented differently by another thread would move the weights by far more.
  const std::string config = augment_config(w.data, "{type: sgd, lr: 0.05}", 1, true);
  const std::string one = w.train(config, 1, "one");
  const std::string two = w.train(config, 2, "two");
  require_close_models(one, two, 1e-4, 1e-6);
  const std::string again = w.train(config, 2, "again");
  CHECK(model_tensors(two) == model_tensors(again));
  const std::string plain = w.train(augment_config(w.data, "{type: sgd, lr: 0.05}", 1, false), 1, "plain");
  CHECK(model_tensors(plain) != model_tensors(one));
}

TEST_CASE("an interrupted augmented run resumed with --resume ends byte-identical to the uninterrupted run",
          "[e2e][augment][resume]") {
  Workspace w;
  write_text(w.dir.file("run.cfg"), augment_config(w.data, "{type: adam, lr: 0.003}", 30, true));
  const std::string args = "train --config run.cfg --threads 2 --out ";
  const auto full = w.cnn("-q " + args + "full");
  INFO(full.err);
  REQUIRE(full.exit_code == 0);
  // Ctrl-C once the first epoch is on disk (a condition, not a delay).
  const auto stopped = w.cnn(args + "cut & pid=$!; for i in $(seq 6000); do [ -s cut/metrics.csv ] && break; "
                                    "sleep 0.01; done; kill -INT $pid; wait $pid");
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
  CHECK(!recorded.train.augment.flip);
}

TEST_CASE("augment-preview writes a grid of originals beside augmented images", "[e2e][augment]") {
  Workspace w;
  write_text(w.dir.file("run.cfg"), augment_config(w.data, "{type: sgd, lr: 0.05}", 1, true));
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
