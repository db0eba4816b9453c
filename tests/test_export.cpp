// `cnn export` apart from the clients (tests/onnx_clients/check_clients.py runs the files in
// onnxruntime and OpenCV): every layer kind has an ONNX form, what has none is refused with the
// layer named, and bad input (corrupt or truncated model, unwritable output, an output that is a
// folder or the model itself) fails clearly with nothing written.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "e2e_workspace.hpp"
#include "expect_error.hpp"
#include "onnx/onnx_export.hpp"
#include "net/layer_registry.hpp"

using namespace cnn;
using namespace cnn::test;
namespace fs = std::filesystem;

namespace {

const std::string kLegacy = std::string(CNN_SOURCE_DIR) + "/tests/fixtures/legacy-v1-checkpoint.bin";

// Every file in `dir`, hidden temporaries included.
std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("export: every layer kind in the registry has an ONNX form", "[export]") {
  std::istringstream kinds(layer_kind_names());
  std::string kind;
  int count = 0;
  while (std::getline(kinds, kind, ',')) {
    kind.erase(0, kind.find_first_not_of(' '));
    INFO("layer kind " << kind);
    CHECK(has_onnx_form(kind));
    ++count;
  }
  CHECK(count >= 8);
  CHECK_FALSE(has_onnx_form("no_such_kind"));
}

TEST_CASE("export refuses a layer kind or option it cannot express, naming the layer", "[export]") {
  LoadedModel model = load_model(kLegacy);
  CHECK_FALSE(export_onnx(model, {false, "legacy.bin"}).empty());

  LoadedModel unknown_kind = load_model(kLegacy);
  unknown_kind.spec.layers[1].kind = "mystery_pool";
  expect_error([&] { export_onnx(unknown_kind, {false, "legacy.bin"}); }, ExitCode::kModel,
               "layer 2 (pool1) of kind 'mystery_pool' has no ONNX form");

  LoadedModel unknown_option = load_model(kLegacy);
  unknown_option.spec.layers[0].options["padding_mode"] = "reflect";
  expect_error([&] { export_onnx(unknown_option, {false, "legacy.bin"}); }, ExitCode::kModel,
               "conv1: its option 'padding_mode' has no ONNX form");

  LoadedModel odd_padding = load_model(kLegacy);
  odd_padding.spec.layers[1].options["padding"] = "reflect";
  expect_error([&] { export_onnx(odd_padding, {false, "legacy.bin"}); }, ExitCode::kModel,
               "pool1: pool padding 'reflect' has no ONNX form");
}

TEST_CASE("export: the ONNX file is written, and a second export replaces it", "[export]") {
  ScratchDir dir("export");
  const std::string out = dir.file("model.onnx");
  RunResult r = run_cnn("export '" + kLegacy + "' -o '" + out + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto logits_size = std::filesystem::file_size(out);
  CHECK(logits_size > 4 * 3982);  // at least the weights
  r = run_cnn("export '" + kLegacy + "' -o '" + out + "' --probabilities");
  REQUIRE(r.exit_code == 0);
  CHECK(std::filesystem::file_size(out) > logits_size);  // a Softmax node more
  CHECK(files_in(dir.path()) == std::vector<std::string>{"model.onnx"});
}

TEST_CASE("export of bad input fails clearly and writes nothing", "[export]") {
  ScratchDir dir("export-bad");
  const std::string bytes = read_text(kLegacy);
  std::string corrupt = bytes;
  corrupt[corrupt.size() / 2] ^= 0x5a;
  write_text(dir.file("corrupt.bin"), corrupt);
  write_text(dir.file("truncated.bin"), bytes.substr(0, bytes.size() - 100));
  write_text(dir.file("old.onnx"), "an earlier export");
  std::filesystem::create_directory(dir.file("folder.onnx"));
  const auto before = files_in(dir.path());

  expect_failure(run_cnn("export '" + dir.file("corrupt.bin") + "' -o '" + dir.file("old.onnx") + "'"), 4, "corrupt.bin");
  expect_failure(run_cnn("export '" + dir.file("truncated.bin") + "' -o '" + dir.file("new.onnx") + "'"), 4, "truncated.bin");
  expect_failure(run_cnn("export '" + dir.file("missing.bin") + "' -o '" + dir.file("new.onnx") + "'"), 4, "missing.bin");
  expect_failure(run_cnn("export '" + kLegacy + "' -o '" + dir.file("folder.onnx") + "'"), 5, "is a folder");
  expect_failure(run_cnn("export '" + kLegacy + "' -o '" + dir.file("no-such-folder/model.onnx") + "'"), 5, "model.onnx");
  // A path under a regular file cannot be created, whoever runs the test (root ignores permissions).
  expect_failure(run_cnn("export '" + kLegacy + "' -o '" + dir.file("old.onnx") + "/model.onnx'"), 5, "model.onnx");
  write_text(dir.file("copy.bin"), bytes);
  expect_failure(run_cnn("export '" + dir.file("copy.bin") + "' -o '" + dir.file("copy.bin") + "'"), 2, "would replace the model");
  expect_failure(run_cnn("export '" + kLegacy + "'"), 2, "--output");

  // Nothing new beside the inputs (no partial file, no temporary), and the earlier export is intact.
  auto after = files_in(dir.path());
  after.erase(std::remove(after.begin(), after.end(), "copy.bin"), after.end());
  CHECK(after == before);
  CHECK(read_text(dir.file("old.onnx")) == "an earlier export");
  CHECK(read_text(dir.file("copy.bin")) == bytes);
}

TEST_CASE("cnn hands export to cnn-onnx and links no ONNX itself, and without cnn-onnx beside it gives a clear error",
          "[export]") {
  // ONNX and protobuf would cost every start 3 ms and 5 MiB: only cnn-onnx links them.
  const RunResult libraries = run_shell("ldd " CNN_EXE);
  REQUIRE(libraries.exit_code == 0);
  CHECK(libraries.out.find("libonnx") == std::string::npos);
  CHECK(libraries.out.find("libprotobuf") == std::string::npos);
  ScratchDir alone("export-no-helper");
  fs::copy_file(CNN_EXE, alone.file("cnn"));
  fs::permissions(alone.file("cnn"), fs::perms::owner_exec, fs::perm_options::add);
  const RunResult r = run_shell(alone.file("cnn") + " export '" + kLegacy + "' -o '" + alone.file("model.onnx") + "'");
  expect_failure(r, 2, "cannot run " + alone.file("cnn-onnx") + " for ONNX export and import");
  CHECK_FALSE(fs::exists(alone.file("model.onnx")));
  // A command-line mistake is still reported by cnn itself, before any hand-over.
  expect_failure(run_shell(alone.file("cnn") + " export '" + kLegacy + "'"), 2, "--output");
}
