// End-to-end tests of the cnn executable on tiny IDX files written here: train, determinism,
// resume, init, eval, predict, and the exit code and message of each error (interruption:
// test_interrupt.cpp; several threads: test_threads.cpp).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <filesystem>

#include "e2e_workspace.hpp"
#include "png_writer.hpp"

using namespace cnn::test;

namespace {

// The tiny data and config (e2e_workspace.hpp), training into run/: each run takes a fraction of
// a second.
struct Workspace : E2eWorkspace {
  Workspace() : E2eWorkspace("e2e") {}
  std::string config = write_config("tiny.cfg", tiny_config().with_output(dir.file("run")));
};

}  // namespace

TEST_CASE("train, eval and predict on a tiny data set", "[e2e]") {
  Workspace w;
  const auto train = w.cnn("train --config " + w.config + " --threads 1");
  INFO(train.err);
  REQUIRE(train.exit_code == 0);
  CHECK(train.out.find("model: " + w.dir.file("run") + "/model.bin") != std::string::npos);
  CHECK(train.err.find("epoch 3/3") != std::string::npos);
  CHECK(train.err.find("total parameters") != std::string::npos);
  for (const char* f : {"model.bin", "best.bin", "metrics.csv"}) CHECK(std::filesystem::exists(w.dir.file("run") + "/" + f));
  const auto metrics = metric_rows(w.dir.file("run/metrics.csv"));
  REQUIRE(metrics.size() == 4);
  CHECK(metrics[0] == "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,lr");

  const auto eval = w.eval(w.dir.file("run/model.bin"), "--format json --predictions");
  INFO(eval.err);
  REQUIRE(eval.exit_code == 0);
  const auto j = nlohmann::json::parse(eval.out);
  CHECK(j["count"] == 200);
  CHECK(j["accuracy"].get<double>() >= 0.9);  // the synthetic classes are easy
  CHECK(j["loss"].get<double>() > 0.0);
  REQUIRE(j["confusion"].size() == 10);
  int total = 0;
  for (const auto& row : j["confusion"]) {
    REQUIRE(row.size() == 10);
    for (const auto& v : row) total += v.get<int>();
  }
  CHECK(total == 200);
  REQUIRE(j["predictions"].size() == 200);
  const auto text = w.eval(w.dir.file("run/model.bin"));
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("confusion matrix") != std::string::npos);
  CHECK(text.out.find("precision") != std::string::npos);

  // predict on the first test images saved as 28x28 PNGs gives eval's classes.
  const SyntheticSet test = TinyData{}.test_set();
  std::string files;
  for (int i = 0; i < 12; ++i) {
    std::vector<std::uint16_t> px(test.pixels.begin() + i * 784, test.pixels.begin() + (i + 1) * 784);
    const std::string path = w.dir.file("img" + std::to_string(i) + ".png");
    write_bytes(path, encode_png(28, 28, PngColor::kGray, 8, px));
    files += " " + path;
  }
  const auto predict = w.cnn("predict --raw --format json --weights " + w.dir.file("run/model.bin") + files);
  INFO(predict.err);
  REQUIRE(predict.exit_code == 0);
  const auto p = nlohmann::json::parse(predict.out);
  REQUIRE(p.size() == 12);
  for (int i = 0; i < 12; ++i) {
    CHECK(p[i]["class"] == j["predictions"][i]);
    CHECK(p[i]["file"] == w.dir.file("img" + std::to_string(i) + ".png"));
    double sum = 0;
    for (const auto& v : p[i]["probabilities"]) sum += v.get<double>();
    CHECK(sum == Approx(1.0).epsilon(1e-5));
  }
  // Without --weights, predict uses the model of the latest training run.
  const auto latest = w.cnn("predict --raw --top-k 2 " + w.dir.file("img0.png"));
  INFO(latest.err);
  CHECK(latest.exit_code == 0);
  CHECK(latest.out.find(w.dir.file("img0.png") + ": " + std::to_string(j["predictions"][0].get<int>())) == 0);
  // --save-prepared writes what the network saw.
  const auto saved = w.cnn("predict --raw --save-prepared " + w.dir.file("seen") + " " + w.dir.file("img1.png"));
  CHECK(saved.exit_code == 0);
  CHECK(std::filesystem::exists(w.dir.file("seen/0-img1.prepared.png")));
}

TEST_CASE("two runs with the same seed are bit-identical, and resume continues exactly", "[e2e]") {
  Workspace w;
  REQUIRE(w.cnn("train --config " + w.config + " --threads 1 --out " + w.dir.file("a")).exit_code == 0);
  REQUIRE(w.cnn("train --config " + w.config + " --threads 1 --out " + w.dir.file("b")).exit_code == 0);
  CHECK(model_tensors(w.dir.file("a/model.bin")) == model_tensors(w.dir.file("b/model.bin")));
  CHECK(metric_rows(w.dir.file("a/metrics.csv")) == metric_rows(w.dir.file("b/metrics.csv")));

  // One epoch, then resume to three: the same weights, optimizer state and metrics as one run.
  REQUIRE(w.cnn("train --config " + w.config + " --threads 1 --epochs 1 --out " + w.dir.file("c")).exit_code == 0);
  const auto resumed = w.resume(w.dir.file("c/model.bin"), "--epochs 3 --threads 1 --out " + w.dir.file("c"));
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.err.find("resuming in epoch 2") != std::string::npos);
  CHECK(model_tensors(w.dir.file("a/model.bin")) == model_tensors(w.dir.file("c/model.bin")));
  CHECK(metric_rows(w.dir.file("a/metrics.csv")) == metric_rows(w.dir.file("c/metrics.csv")));

  // --init starts from the weights with a fresh optimizer; it excludes --resume.
  const auto init = w.cnn("train --config " + w.config + " --threads 1 --epochs 1 --init " + w.dir.file("a/model.bin") +
                          " --out " + w.dir.file("d"));
  CHECK(init.exit_code == 0);
  const auto both = w.cnn("train --config " + w.config + " --init " + w.dir.file("a/model.bin") + " --resume " +
                          w.dir.file("a/model.bin"));
  expect_failure(both, 2, "excludes");
}

TEST_CASE("each error gets its exit code and a message naming the problem", "[e2e]") {
  Workspace w;
  const std::string bad_cfg = w.dir.file("bad.cfg");
  write_text(bad_cfg, read_text(w.config) + "trian: {epochs: 1}\n");
  expect_failure(w.cnn("train --config " + bad_cfg), 2, "bad.cfg:16: trian: unknown key");
  expect_failure(w.cnn("train"), 2, "needs --config");
  expect_failure(w.cnn("train --config " + w.config + " --data " + w.dir.file("nowhere")), 3, "train-images-idx3-ubyte");
  write_bytes(w.dir.file("afile"), "x");
  expect_failure(w.cnn("train --config " + w.config + " --out " + w.dir.file("afile/run")), 5, "output folder");
  write_bytes(w.dir.file("junk.bin"), "this is not a model");
  expect_failure(w.cnn("eval --weights " + w.dir.file("junk.bin")), 4, "not a cnn model file");
  expect_failure(w.cnn("predict --weights " + w.dir.file("junk.bin") + " x.png"), 4, "not a cnn model file");
  expect_failure(w.cnn("eval --weights " + w.dir.file("missing.bin")), 4, "not found");
  expect_failure(w.cnn("predict x.png"), 2, "run cnn train first");

  REQUIRE(w.cnn("train --config " + w.config + " --epochs 1 --threads 1").exit_code == 0);
  const std::string model = w.dir.file("run/model.bin");
  expect_failure(w.cnn("predict --weights " + model + " " + w.dir.file("missing.png")), 5, "missing.png: image not found");
  write_bytes(w.dir.file("blank.png"), encode_png(40, 40, PngColor::kGray, 8, std::vector<std::uint16_t>(1600, 255)));
  expect_failure(w.cnn("predict --weights " + model + " " + w.dir.file("blank.png")), 5, "blank");
  expect_failure(w.cnn("predict --raw --weights " + model + " " + w.dir.file("blank.png")), 5, "--raw needs a 28x28 image");
  expect_failure(w.cnn("eval --weights " + model + " --data " + w.dir.file("nowhere")), 3, "t10k-images-idx3-ubyte");
  write_bytes(w.dir.file("labels-bad"), idx_labels_bytes({1, 2, 12}));
  write_bytes(w.dir.file("images-3"), idx_images_bytes(std::vector<std::uint8_t>(3 * 784), 3, 28, 28));
  expect_failure(w.cnn("eval --weights " + model + " --images " + w.dir.file("images-3") + " --labels " + w.dir.file("labels-bad")),
                 3, "label 12 at index 2");
  expect_failure(w.cnn("eval --weights " + model + " --images " + w.dir.file("images-3")), 2, "--images and --labels go together");
  // A full disk (here: a file-size limit) while saving a checkpoint: an I/O error, the old file intact.
  {
    const auto normal = w.resume(model, "--epochs 2 --threads 1");
    REQUIRE(normal.exit_code == 0);  // first a normal epoch, to have a checkpoint to protect
    const std::string before_full = read_bytes(model);
    const auto limited = run_shell("trap '' XFSZ; ulimit -f 8; " + w.command("train --resume " + model + " --epochs 3 --threads 1"));
    expect_failure(limited, 5, "previous file, if any, is unchanged");
    CHECK(read_bytes(model) == before_full);
  }
  // Diverging training stops with code 6 and leaves the last good checkpoint alone.
  const std::string before = read_bytes(model);
  const auto diverged = w.resume(model, "--epochs 3 --lr 1e30 --threads 1");
  expect_failure(diverged, 6, "diverged");
  CHECK(read_bytes(model) == before);
}
