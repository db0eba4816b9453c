// End-to-end tests of bad input the command line meets (docs/behaviour.md, "Untrusted input"),
// each with its exit code and message: images that do not fit the model's input, a gzip file with
// bytes after its stream, a FIFO given as a data file; and the logging flags on either side of the
// command.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <filesystem>

#include "e2e_workspace.hpp"
#include "idx_writer.hpp"
#include "net/builder.hpp"
#include "png_writer.hpp"
#include "train/checkpoint.hpp"

using namespace cnn;
using namespace cnn::test;

namespace {

struct Workspace : E2eWorkspace {
  Workspace() : E2eWorkspace("bad-input", TinyData{400, 60}) {}
  // The tiny net with model input `input`, one epoch.
  TinyConfig small_config(const std::string& input) const { return tiny_config().with_input(input).with_epochs(1).with_seed(3); }
  // cnn <args>, under a time limit so that a reader that blocks fails the test instead of hanging it.
  RunResult cnn(const std::string& args) const { return run_shell(command(args, "timeout 120 ")); }
  // Trains the small network with model input `input` into a fresh run folder `out`.
  RunResult train(const std::string& input, const std::string& out, const std::string& flags = "") const {
    const std::string config = write_config(out + ".cfg", small_config(input));
    return cnn("train " + flags + " --config " + config + " --threads 1 --out " + dir.file(out));
  }
};

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
  w.write_config("before.cfg", w.small_config("[1, 28, 28]"));
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
