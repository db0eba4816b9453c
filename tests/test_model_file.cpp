// Tests of the model file: bit-for-bit round trip, and every corrupt or foreign file refused
// with kModel and a message naming the problem.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <sys/stat.h>
#include <zlib.h>

#include "cli_runner.hpp"
#include "core/error.hpp"
#include "expect_error.hpp"
#include "gradcheck.hpp"
#include "idx_writer.hpp"
#include "net/builder.hpp"
#include "train/checkpoint.hpp"

using namespace cnn;
using namespace cnn::test;

namespace {

std::string lenet_file_bytes(std::uint64_t seed) {
  auto net = build_net(lenet5_spec());
  Rng rng(seed);
  initialize(net->params(), Init::kHeNormal, rng);
  std::vector<std::pair<std::string, const Tensor*>> tensors;
  for (const Param& p : net->params()) tensors.emplace_back(p.name, p.value);
  return encode_model_file({{"format", "cnn-model"}, {"architecture", to_json(lenet5_spec())}, {"config", ""}}, tensors);
}

// Recomputes the trailing CRC so a deliberately edited file passes the checksum.
std::string with_valid_crc(std::string bytes) {
  bytes.resize(bytes.size() - 4);
  const auto crc = static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return bytes;
}

void expect_model_error(const std::string& bytes, const std::string& needle) {
  ScratchDir dir("model");
  write_bytes(dir.file("m.bin"), bytes);
  expect_error([&] { load_model(dir.file("m.bin")); }, ExitCode::kModel, needle);
}

std::size_t header_length(const std::string& bytes) {
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= std::uint64_t{static_cast<unsigned char>(bytes[16 + i])} << (8 * i);
  return static_cast<std::size_t>(n);
}

}  // namespace

TEST_CASE("a checkpoint round-trips bit for bit", "[model]") {
  auto net = build_net(lenet5_spec());
  Rng rng(2);
  initialize(net->params(), Init::kHeNormal, rng);
  Optimizer opt(OptimizerConfig{}, net->params());
  for (const Param& p : net->params()) p.grad->fill(0.01f);
  opt.step(0.001f);
  TrainingProgress progress;
  progress.epoch = 3;
  progress.batch = 17;
  progress.global_step = 1000;
  progress.epoch_rng = Rng(99).state();
  progress.best_validation = 0.987;
  ScratchDir dir("model");
  save_checkpoint(dir.file("a.bin"), lenet5_spec(), "some: config\n", *net, &opt, &progress);
  LoadedModel loaded = load_model(dir.file("a.bin"));
  CHECK(loaded.config_text == "some: config\n");
  for (std::size_t i = 0; i < net->params().size(); ++i)
    CHECK(std::memcmp(loaded.net->params()[i].value->data(), net->params()[i].value->data(), net->params()[i].value->size() * 4) == 0);
  Optimizer restored(OptimizerConfig{}, loaded.net->params());
  const TrainingProgress back = restore_training(loaded, restored, dir.file("a.bin"));
  CHECK(back.epoch == 3);
  CHECK(back.batch == 17);
  CHECK(back.global_step == 1000);
  CHECK(back.epoch_rng == progress.epoch_rng);
  CHECK(back.best_validation == 0.987);
  CHECK(restored.steps() == 1);
  // Found by fuzz_model: a counter that is a float or does not fit was converted with undefined behaviour.
  {
    LoadedModel edited = load_model(dir.file("a.bin"));
    edited.contents.header["training"]["epoch"] = 1e300;
    expect_error([&] { restore_training(edited, restored, dir.file("a.bin")); }, ExitCode::kModel,
                 "training state field 'epoch' is not an integer");
    edited.contents.header["training"]["epoch"] = std::int64_t{1} << 40;
    expect_error([&] { restore_training(edited, restored, dir.file("a.bin")); }, ExitCode::kModel,
                 "training state field 'epoch' = 1099511627776 is out of range");
    edited.contents.header["training"]["epoch"] = 3;
    edited.contents.header["training"]["optimizer_steps"] = 18446744073709551615u;
    expect_error([&] { restore_training(edited, restored, dir.file("a.bin")); }, ExitCode::kModel,
                 "training state field 'optimizer_steps' = 18446744073709551615 is out of range");
  }
  for (std::size_t i = 0; i < opt.state().size(); ++i)
    CHECK(std::memcmp(restored.state()[i].second->data(), opt.state()[i].second->data(), opt.state()[i].second->size() * 4) == 0);
  // Saving what was loaded gives the same bytes.
  save_checkpoint(dir.file("b.bin"), loaded.spec, loaded.config_text, *loaded.net, &restored, &back);
  CHECK(read_bytes(dir.file("a.bin")) == read_bytes(dir.file("b.bin")));
  // A weights-only file cannot be resumed.
  save_checkpoint(dir.file("w.bin"), lenet5_spec(), "", *net, nullptr, nullptr);
  LoadedModel weights_only = load_model(dir.file("w.bin"));
  CHECK_THROWS_AS(restore_training(weights_only, restored, dir.file("w.bin")), Error);
}

TEST_CASE("corrupt, truncated and foreign model files are refused", "[model]") {
  const std::string good = lenet_file_bytes(1);
  {
    ScratchDir dir("model");
    write_bytes(dir.file("ok.bin"), good);
    CHECK(load_model(dir.file("ok.bin")).net->parameter_count() == 61706);
  }
  expect_model_error("", "empty file");
  expect_model_error("CNNMODEL", "truncated");
  expect_model_error("NOTAMODEL-but-long-enough-to-have-a-header-and-more", "wrong magic number");
  expect_model_error(gzip_bytes(good), "it is a gzip file");
  expect_model_error(std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, '\0'), "it is a PNG image");
  expect_model_error(idx_labels_bytes({1, 2, 3}), "an IDX dataset file");
  std::string newer = good;
  newer[8] = static_cast<char>(kModelVersion + 1);
  expect_model_error(newer, fmt::format("model format version {} is newer", kModelVersion + 1));
  expect_model_error(good.substr(0, good.size() - 1), "checksum mismatch");
  expect_model_error(good + "x", "checksum mismatch");
  std::string header_flip = good;
  header_flip[30] ^= 0x01;
  expect_model_error(header_flip, "checksum mismatch");
  std::string payload_flip = good;
  payload_flip[good.size() - 100] ^= 0x10;
  expect_model_error(payload_flip, "checksum mismatch");

  // Edits with a recomputed checksum reach the structural checks.
  const std::size_t tensors_at = 24 + header_length(good);
  std::string huge_header = good;
  huge_header[16 + 4] = 0x7f;  // header length ~ 2^38
  expect_model_error(with_valid_crc(huge_header), "header length");
  std::string past_end = good;
  past_end[18] = 0x10;  // header length ~1 MiB, beyond the end of the file
  expect_model_error(with_valid_crc(past_end), "needs");
  std::string longer_header = good;
  longer_header[17] = static_cast<char>(longer_header[17] + 1);  // the header swallows 256 bytes of tensors
  expect_model_error(with_valid_crc(longer_header), "the JSON header at byte 24");
  std::string huge_dims = good;
  // First tensor: name length (4) + "conv1.weight" (12) + rank (4), then dims: make one 2^30.
  const std::size_t first_dim = tensors_at + 4 + 4 + 12 + 4;
  huge_dims[first_dim] = 0;
  huge_dims[first_dim + 1] = 0;
  huge_dims[first_dim + 2] = 0;
  huge_dims[first_dim + 3] = 0x40;
  expect_model_error(with_valid_crc(huge_dims), "claims more data than the file holds");
  std::string overflow = good;  // every dim 2^30: the product would overflow 64 bits without the checks
  for (int d = 0; d < 4; ++d) {
    overflow[first_dim + 4 * d] = 0;
    overflow[first_dim + 4 * d + 1] = 0;
    overflow[first_dim + 4 * d + 2] = 0;
    overflow[first_dim + 4 * d + 3] = 0x40;
  }
  expect_model_error(with_valid_crc(overflow), "claims more data");

  // A valid file of another architecture: shapes checked against the one in the header.
  {
    auto net = build_net(lenet5_spec());
    ModelSpec other = lenet5_spec();
    other.layers[0].options["filters"] = 8;
    std::vector<std::pair<std::string, const Tensor*>> tensors;
    for (const Param& p : net->params()) tensors.emplace_back(p.name, p.value);
    expect_model_error(encode_model_file({{"format", "cnn-model"}, {"architecture", to_json(other)}}, tensors),
                       "tensor 'conv1.weight' has shape (6, 1, 5, 5) but the architecture needs (8, 1, 5, 5)");
    expect_model_error(encode_model_file({{"format", "cnn-model"}}, tensors), "no architecture");
    // Found by fuzz_model: a "format" that is not a string was a JSON type error (exit 1).
    expect_model_error(encode_model_file({{"format", {{"input", 1}}}, {"architecture", to_json(lenet5_spec())}}, tensors),
                       "the header does not describe a cnn model");
    expect_model_error(encode_model_file({{"format", "cnn-model"}, {"architecture", {{"input", "x"}}}}, tensors), "invalid architecture");
    tensors.pop_back();
    expect_model_error(encode_model_file({{"format", "cnn-model"}, {"architecture", to_json(lenet5_spec())}}, tensors),
                       "tensor 'dense3.bias' required by the architecture is missing");
  }
  // NaN weights with a valid checksum.
  {
    auto net = build_net(lenet5_spec());
    (*net->params()[2].value)[5] = std::numeric_limits<float>::quiet_NaN();
    std::vector<std::pair<std::string, const Tensor*>> tensors;
    for (const Param& p : net->params()) tensors.emplace_back(p.name, p.value);
    expect_model_error(encode_model_file({{"format", "cnn-model"}, {"architecture", to_json(lenet5_spec())}}, tensors),
                       "tensor 'conv2.weight' holds a non-finite value at index 5");
  }
}

TEST_CASE("a folder, a FIFO or a missing path is not a model", "[model]") {
  ScratchDir dir("model");
  REQUIRE(::mkfifo(dir.file("fifo.bin").c_str(), 0600) == 0);
  // A FIFO must not block waiting for a writer.
  expect_error([&] { load_model(dir.file("fifo.bin")); }, ExitCode::kModel, "not a regular file");
  expect_error([&] { load_model(dir.path()); }, ExitCode::kModel, "not a regular file");
  expect_error([&] { load_model(dir.file("missing.bin")); }, ExitCode::kModel, "model file not found");
}
