// End-to-end tests of bad input the command line meets (docs/behaviour.md, "Untrusted input"),
// each with its exit code and message: images that do not fit the model's input, a gzip file with
// bytes after its stream, a FIFO given as a data file; and the logging flags on either side of the
// command.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <filesystem>

#include "cli_runner.hpp"
#include "idx_writer.hpp"
#include "net/builder.hpp"
#include "png_writer.hpp"
#include "train/checkpoint.hpp"

using namespace cnn;
using namespace cnn::test;

namespace {

std::string small_config(const std::string& data_dir, const std::string& input) {
  return "data: {dir: " + data_dir + ", validation: 100}\n"
         "model:\n"
         "  input: " + input + "\n"
         "  layers:\n"
         "    - conv: {filters: 4, kernel: 5, padding: same, activation: relu}\n"
         "    - pool: {type: max, size: 2}\n"
         "    - flatten\n"
         "    - dense: {units: 10}\n"
         "    - softmax\n"
         "train: {epochs: 1, batch_size: 32, optimizer: {type: adam, lr: 0.003}, seed: 3}\n";
}

struct Workspace {
  ScratchDir dir{"bad-input"};
  std::string data = dir.file("data");
  std::string env = "XDG_STATE_HOME='" + dir.file("state") + "' ";
  Workspace() {
    std::filesystem::create_directories(data);
    write_synthetic_mnist(data, 400, 60, true);
  }
  // cnn <args>, under a time limit so that a reader that blocks fails the test instead of hanging it.
  RunResult cnn(const std::string& args) const {
    return run_shell(env + "OPENBLAS_NUM_THREADS=1 timeout 120 '" + CNN_EXE + "' " + args);
  }
  // Trains the small network with model input `input` into a fresh run folder `out`.
  RunResult train(const std::string& input, const std::string& out, const std::string& flags = "") const {
    write_text(dir.file(out + ".cfg"), small_config(data, input));
    return cnn("train " + flags + " --config " + dir.file(out + ".cfg") + " --threads 1 --out " + dir.file(out));
  }
};

void expect_failure(const RunResult& r, int code, const std::string& needle) {
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == code);
  CHECK(r.err.find(needle) != std::string::npos);
}

void expect_success(const RunResult& r) {
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 0);
}

}  // namespace

TEST_CASE("images that neither match the model input nor fit its 2-pixel border are refused", "[e2e][bad_input]") {
  Workspace w;
  REQUIRE(w.train("[1, 28, 28]", "run28").exit_code == 0);
  const std::string model = w.dir.file("run28/model.bin");
  // 1x1 images against a 28x28 model: a data error naming both sizes (eval: the data is at fault).
  write_bytes(w.dir.file("tiny-images"), idx_images_bytes(std::vector<std::uint8_t>(5, 200), 5, 1, 1));
  write_bytes(w.dir.file("tiny-labels"), idx_labels_bytes({1, 2, 3, 4, 5}));
  expect_failure(w.cnn("eval --weights " + model + " --images " + w.dir.file("tiny-images") + " --labels " +
                       w.dir.file("tiny-labels")),
                 3, "images of 1x1 do not fit the model input 28x28");
  // 26x26 would need a 1-pixel border: refused too, with the sizes it does take.
  write_bytes(w.dir.file("small-images"), idx_images_bytes(std::vector<std::uint8_t>(5 * 26 * 26, 9), 5, 26, 26));
  expect_failure(w.cnn("eval --weights " + model + " --images " + w.dir.file("small-images") + " --labels " +
                       w.dir.file("tiny-labels")),
                 3, "images of 26x26 do not fit the model input 28x28 (it takes images of its own size, or 24x24");
  // Training: the config's model input is what disagrees with the data, a usage/config error (2)
  // as before; 30x30 or 64x64 inputs are not padded.
  expect_failure(w.train("[1, 30, 30]", "run30"), 2, "images of 28x28 do not fit the model input 30x30");
  expect_failure(w.train("[1, 64, 64]", "run64"), 2, "images of 28x28 do not fit the model input 64x64");
}

TEST_CASE("28x28 images go into a 32x32 input: train, eval and predict, and lenet5-1998.cfg", "[e2e][bad_input]") {
  Workspace w;
  expect_success(w.train("[1, 32, 32]", "run32"));
  expect_success(w.cnn("eval --weights " + w.dir.file("run32/model.bin") + " --data " + w.data));
  const auto classic = w.cnn("train --config " + std::string(CNN_SOURCE_DIR) + "/configs/lenet5-1998.cfg --data " + w.data +
                             " --epochs 1 --validation 100 --threads 1 --out " + w.dir.file("classic"));
  expect_success(classic);
  const std::string model = w.dir.file("classic/model.bin");
  const auto eval = w.cnn("eval --weights " + model + " --data " + w.data + " --format json");
  expect_success(eval);
  CHECK(eval.out.find("\"count\":60") != std::string::npos);
  // predict prepares a drawn digit in 28x28 and centres it in the 32x32 input.
  std::vector<std::uint16_t> pixels(60 * 60, 255);
  for (int y = 15; y < 45; ++y)
    for (int x = 27; x < 33; ++x) pixels[static_cast<std::size_t>(y) * 60 + x] = 0;  // a dark "1" on white
  write_bytes(w.dir.file("one.png"), encode_png(60, 60, PngColor::kGray, 8, pixels));
  expect_success(w.cnn("predict --weights " + model + " " + w.dir.file("one.png")));
  // A model whose input takes no 28x28 digit (64x64) is refused by predict's preparation.
  ModelSpec spec = lenet5_spec();
  spec.input = Shape{1, 64, 64};
  save_checkpoint(w.dir.file("wide.bin"), spec, "", *build_net(spec), nullptr, nullptr);
  expect_failure(w.cnn("predict --weights " + w.dir.file("wide.bin") + " " + w.dir.file("one.png")), 2,
                 "the model's input (1, 64, 64) takes no MNIST-style 28x28 image");
}

TEST_CASE("a gzip IDX file with bytes after its stream is refused like a raw one", "[e2e][bad_input]") {
  Workspace w;
  REQUIRE(w.train("[1, 28, 28]", "run").exit_code == 0);
  const std::string model = w.dir.file("run/model.bin");
  const SyntheticSet set = make_synthetic(20, 4);
  const std::string gz = gzip_bytes(idx_images_bytes(set.pixels, 20, 28, 28));
  write_bytes(w.dir.file("labels"), idx_labels_bytes(set.labels));
  write_bytes(w.dir.file("garbage.gz"), gz + "GARBAGE");
  expect_failure(w.cnn("eval --weights " + model + " --images " + w.dir.file("garbage.gz") + " --labels " + w.dir.file("labels")),
                 3, "garbage.gz: trailing bytes after the gzip stream at byte " + std::to_string(gz.size()));
  write_bytes(w.dir.file("raw-extra"), idx_images_bytes(set.pixels, 20, 28, 28) + "GARBAGE");
  expect_failure(w.cnn("eval --weights " + model + " --images " + w.dir.file("raw-extra") + " --labels " + w.dir.file("labels")),
                 3, "raw-extra: trailing data after byte 15696");
  write_bytes(w.dir.file("two.gz"), gz + gzip_bytes(""));  // concatenated gzip members are valid
  expect_success(w.cnn("eval --weights " + model + " --images " + w.dir.file("two.gz") + " --labels " + w.dir.file("labels")));
  REQUIRE(::mkfifo(w.dir.file("fifo").c_str(), 0600) == 0);
  expect_failure(w.cnn("eval --weights " + model + " --images " + w.dir.file("fifo") + " --labels " + w.dir.file("labels")), 3,
                 "fifo: not a regular file");
}

TEST_CASE("the logging flags (-q, -v) work before and after the command", "[e2e][cli]") {
  Workspace w;
  const auto after = w.train("[1, 28, 28]", "after", "-q");
  expect_success(after);
  CHECK(after.err.find("[info]") == std::string::npos);
  write_text(w.dir.file("before.cfg"), small_config(w.data, "[1, 28, 28]"));
  const auto before = w.cnn("-q train --config " + w.dir.file("before.cfg") + " --threads 1 --out " + w.dir.file("before"));
  expect_success(before);
  CHECK(before.err.find("[info]") == std::string::npos);
  const auto verbose = w.train("[1, 28, 28]", "verbose", "-v");
  expect_success(verbose);
  CHECK(verbose.err.find("[info]") != std::string::npos);
  const std::string model = w.dir.file("after/model.bin");
  const auto eval = w.cnn("eval --weights " + model + " -q --data " + w.data);
  expect_success(eval);
  CHECK(eval.err.find("[info]") == std::string::npos);
  CHECK(eval.out.find("accuracy") != std::string::npos);
  const auto eval_loud = w.cnn("eval --verbose --weights " + model + " --data " + w.data);
  expect_success(eval_loud);
  CHECK(eval_loud.err.find("[info] evaluating") != std::string::npos);
  const SyntheticSet one = make_synthetic(1, 9);
  write_bytes(w.dir.file("digit.png"), encode_png(28, 28, PngColor::kGray, 8, std::vector<std::uint16_t>(one.pixels.begin(), one.pixels.end())));
  const auto predict = w.cnn("predict --raw -q --weights " + model + " " + w.dir.file("digit.png"));
  expect_success(predict);
  CHECK(predict.out.find(w.dir.file("digit.png") + ": ") == 0);
  // Still a usage error when misplaced as a value or unknown.
  expect_failure(w.cnn("train -x --config " + w.dir.file("before.cfg")), 2, "-x");
}
