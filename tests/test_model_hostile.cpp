// Hostile model files whose checksums are valid: the bytes are well formed, the contents are
// not. Each is refused with kModel (exit 4 through the CLI) and a message naming the problem;
// none crashes, hangs or allocates more than the file justifies.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <zlib.h>

#include "cli_runner.hpp"
#include "core/error.hpp"
#include "e2e_workspace.hpp"
#include "core/rng.hpp"
#include "expect_error.hpp"
#include "idx_writer.hpp"
#include "net/builder.hpp"
#include "net/initializer.hpp"
#include "train/checkpoint.hpp"

using namespace cnn;
using namespace cnn::test;
using nlohmann::json;

namespace {

// A LeNet-5 file with `header` changed by `edit` and its tensors as they should be.
std::string lenet_file(const std::function<void(json&)>& edit, bool with_training = false) {
  auto net = build_net(lenet5_spec());
  Rng rng(4);
  initialize(net->params(), Init::kHeNormal, rng);
  json header = {{"format", "cnn-model"}, {"architecture", to_json(lenet5_spec())}, {"config", ""}};
  std::vector<std::pair<std::string, const Tensor*>> tensors;
  for (const Param& p : net->params()) tensors.emplace_back(p.name, p.value);
  std::unique_ptr<Optimizer> opt;
  if (with_training) {
    opt = std::make_unique<Optimizer>(OptimizerConfig{}, net->params());
    header["training"] = {{"epoch", 1}, {"batch", 0}, {"global_step", 10}, {"epoch_rng", {"0", "0", "0", "0"}},
                          {"loss_sum", 0.0}, {"correct", 0}, {"seen", 0}, {"best_validation", 0.5},
                          {"best_epoch", 1}, {"optimizer", "adam"}, {"optimizer_steps", 10}};
    header["training"]["epoch_rng"] = {"0000000000000001", "0000000000000002", "0000000000000003", "0000000000000004"};
    for (const auto& [name, t] : opt->state()) tensors.emplace_back(name, t);
  }
  edit(header);
  return encode_model_file(header, tensors);
}

std::size_t header_length(const std::string& bytes) {
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= std::uint64_t{static_cast<unsigned char>(bytes[16 + i])} << (8 * i);
  return static_cast<std::size_t>(n);
}

// The file with its JSON header text replaced, the length field and the CRC-32 made valid again.
std::string with_header(const std::string& file, const std::string& header) {
  std::string out = file.substr(0, 16);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((std::uint64_t{header.size()} >> (8 * i)) & 0xff));
  out += header;
  out += file.substr(24 + header_length(file), file.size() - 4 - 24 - header_length(file));
  const auto crc = static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size())));
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return out;
}

void expect_refused(const std::string& bytes, const std::string& needle) {
  ScratchDir dir("hostile");
  write_bytes(dir.file("m.bin"), bytes);
  expect_error([&] { load_model(dir.file("m.bin")); }, ExitCode::kModel, needle);
}

}  // namespace

TEST_CASE("model files with valid checksums and hostile architectures are refused", "[model][hostile]") {
  // Parser depth: a value nested a hundred thousand levels deep, written into the header text
  // (building it as a json value and dumping it would recurse that deep in the test itself).
  {
    const std::string normal = lenet_file([](json&) {});
    std::string header = normal.substr(24, header_length(normal));
    const std::string key = "\"filters\":6";
    REQUIRE(header.find(key) != std::string::npos);
    header.replace(header.find(key), key.size(), "\"filters\":" + std::string(100000, '[') + std::string(100000, ']'));
    expect_refused(with_header(normal, header), "nests 100004 levels deep");
  }
  expect_refused(lenet_file([](json& h) { h["architecture"]["layers"][0]["filters"] = 1e300; }), "filters: not an integer");
  expect_refused(lenet_file([](json& h) { h["architecture"]["layers"][0]["filters"] = -6; }), "filters: -6 is outside");
  expect_refused(lenet_file([](json& h) { h["architecture"]["layers"][0]["filters"] = 18446744073709551615ULL; }),
                 "is outside [1, 65536]");
  expect_refused(lenet_file([](json& h) { h["architecture"]["layers"][0]["kernel"] = {5, 5, 5}; }), "kernel");
  expect_refused(lenet_file([](json& h) { h["architecture"]["layers"][0]["padding"] = "explicit"; h["architecture"]["layers"][0].erase("pad"); }),
                 "layer 1.pad: missing");
  expect_refused(lenet_file([](json& h) { h["architecture"]["layers"][0]["activation"] = std::string(1 << 20, 'x'); }),
                 "unknown activation 'xxxxxxxx");
  expect_refused(lenet_file([](json& h) { h["architecture"]["layers"][0]["shell"] = "rm -rf /"; }),
                 "layer 1 has unknown key 'shell'");
  expect_refused(lenet_file([](json& h) { h["architecture"]["layers"][4]["kind"] = "eval"; }), "unknown kind 'eval'");
  expect_refused(lenet_file([](json& h) { h["architecture"]["input"] = {1, 4097, 28}; }), "outside [1, 4096]");
  // A network far beyond any memory: refused before anything is allocated.
  expect_refused(lenet_file([](json& h) { h["architecture"]["layers"][5]["units"] = 65536; h["architecture"]["input"] = {4096, 4096, 4096}; }),
                 "limit");
  expect_refused(lenet_file([](json& h) {
                   json layers = json::array();
                   for (int i = 0; i < 1001; ++i) layers.push_back({{"kind", "relu"}});
                   h["architecture"]["layers"] = layers;
                 }),
                 "1001 layers is more than the limit of 1000");
  // Correct shapes for the wrong architecture are caught by the tensor checks.
  expect_refused(lenet_file([](json& h) { h["architecture"]["layers"][5]["units"] = 121; }), "dense1.weight");
}

TEST_CASE("every export form refuses a hostile model file and writes nothing", "[model][hostile][c_export][cli]") {
  ScratchDir dir("hostile-export");
  const std::vector<std::pair<std::string, std::string>> files = {
      {"shapes.bin", lenet_file([](json& h) { h["architecture"]["layers"][5]["units"] = 121; })},
      {"kind.bin", lenet_file([](json& h) { h["architecture"]["layers"][4]["kind"] = "eval"; })},
      {"filters.bin", lenet_file([](json& h) { h["architecture"]["layers"][0]["filters"] = 1e300; })}};
  // --data: the int8 forms would calibrate on it; the model is refused before any data is read.
  const std::vector<std::string> forms = {"-o " + dir.file("out.onnx"), "-o " + dir.file("out.c"),
                                          "--int8 --data " + dir.file("none") + " -o " + dir.file("out.c"),
                                          "--int8 --data " + dir.file("none") + " -o " + dir.file("out.onnx"),
                                          "--int8 --qlinear --data " + dir.file("none") + " -o " + dir.file("out.onnx")};
  for (const auto& [name, bytes] : files) {
    write_bytes(dir.file(name), bytes);
    for (const std::string& form : forms) {
      INFO(name << ": cnn export " << form);
      const RunResult r = run_cnn("export " + dir.file(name) + " " + form);
      CHECK(r.exit_code == 4);
      CHECK(!std::filesystem::exists(dir.file("out.onnx")));
      CHECK(!std::filesystem::exists(dir.file("out.c")));
      CHECK(!std::filesystem::exists(dir.file("out.h")));
    }
  }
}

TEST_CASE("checkpoints with hostile training state or settings cannot be resumed", "[model][hostile][resume]") {
  E2eWorkspace w("hostile", std::nullopt);  // the settings name data that is not there
  const ScratchDir& dir = w.dir;
  auto resume = [&](const std::string& bytes) {
    std::filesystem::create_directories(dir.file("run"));
    write_bytes(dir.file("run/model.bin"), bytes);
    return w.resume(dir.file("run/model.bin"));
  };
  const json settings = {{"data", {{"dir", dir.file("data")}, {"validation", 10}}},
                         {"train", {{"epochs", 3}, {"batch_size", 8}, {"optimizer", {{"type", "adam"}, {"lr", 0.001}}}}},
                         {"output", dir.file("run")}};
  expect_failure(resume(lenet_file([&](json& h) { h["settings"] = settings; h["settings"]["train"]["epochs"] = "3; rm -rf /"; }, true)), 4,
                 "train.epochs: expected an integer");
  expect_failure(resume(lenet_file([&](json& h) { h["settings"] = settings; h["settings"]["train"]["threads"] = 100000; }, true)), 4,
                 "train.threads");
  expect_failure(resume(lenet_file([&](json& h) { h["settings"] = json::array({settings}); }, true)), 4, "not an object");
  expect_failure(resume(lenet_file([&](json& h) { h["settings"] = settings; h["training"]["epoch"] = -1; }, true)), 4,
                 "negative counters");
  expect_failure(resume(lenet_file([&](json& h) { h["settings"] = settings; h["training"]["epoch_rng"] = "x"; }, true)), 4,
                 "malformed RNG state");
  expect_failure(resume(lenet_file([&](json& h) { h["settings"] = settings; h["training"]["optimizer"] = "sgd"; }, true)), 4,
                 "optimizer");
  expect_failure(resume(lenet_file([&](json& h) { h["settings"] = settings; }, false)), 4, "holds weights only");
  // The recorded data folder is not there: a data error, after the checks above.
  expect_failure(resume(lenet_file([&](json& h) { h["settings"] = settings; }, true)), 3, "train-images-idx3-ubyte");
}
