// Hostile config files (docs/behaviour.md, "Untrusted input"): a device or FIFO as the config
// path, files past the 1 MiB limit, explicit YAML tags, alias bombs and cycles, deep nesting, huge
// numbers and very long keys. Each is refused with exit code 2 and a message naming the file, the
// line and the key path, without hanging, overflowing the stack or reading without end.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <filesystem>

#include "e2e_workspace.hpp"
#include "expect_error.hpp"
#include "fifo_watchdog.hpp"
#include "config/config.hpp"

using namespace cnn;
using namespace cnn::test;

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
  expect_error([&] { parse_config(text, "test.cfg"); }, ExitCode::kUsage, needle);
}

// The message of the error parse_config throws for `text` (empty when it accepts the text).
std::string config_error(const std::string& text) {
  try {
    parse_config(text, "test.cfg");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// `cnn train --config path` in the workspace under a time limit, so that a regression hangs no test run.
RunResult train_with_config(const E2eWorkspace& w, const std::string& path) {
  return run_shell(w.command("train --threads 1 --config '" + path + "'", "timeout 60 "));
}

void expect_cli_failure(const RunResult& r, const std::string& needle) { expect_failure(r, 2, needle); }

std::string billion_laughs() {
  std::string text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int level = 1; level <= 9; ++level) {
    const std::string prev = "*a" + std::to_string(level - 1);
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [" + prev;
    for (int i = 1; i < 10; ++i) text += ", " + prev;
    text += "]\n";
  }
  return text + kMinimal;  // 10^10 nodes if expanded
}

}  // namespace

TEST_CASE("a config path that is a device, a FIFO or a folder is refused without reading it", "[config][hostile]") {
  expect_error([] { load_config("/dev/zero"); }, ExitCode::kUsage, "/dev/zero: not a regular file");
  E2eWorkspace w("config", std::nullopt);
  const ScratchDir& dir = w.dir;
  REQUIRE(::mkfifo(dir.file("fifo.cfg").c_str(), 0600) == 0);
  expect_error_on_fifo(dir.file("fifo.cfg"), [&] { load_config(dir.file("fifo.cfg")); }, ExitCode::kUsage,
                       dir.file("fifo.cfg") + ": not a regular file");
  expect_error([&] { load_config(dir.path()); }, ExitCode::kUsage, dir.path() + ": not a regular file");
  std::filesystem::create_symlink("/dev/zero", dir.file("link.cfg"));
  expect_error([&] { load_config(dir.file("link.cfg")); }, ExitCode::kUsage, "link.cfg: not a regular file");

  expect_cli_failure(train_with_config(w, "/dev/zero"), "/dev/zero: not a regular file");
  expect_cli_failure(train_with_config(w, dir.file("fifo.cfg")), dir.file("fifo.cfg") + ": not a regular file");
}

TEST_CASE("a config of 1 MiB is read, one byte more is refused", "[config][hostile]") {
  ScratchDir dir("config");
  constexpr std::size_t kLimit = std::size_t{1} << 20;
  std::string text = kMinimal;
  while (text.size() < kLimit) text += "# " + std::string(std::min<std::size_t>(77, kLimit - text.size()), 'x') + "\n";
  text.resize(kLimit - 1);
  text += "\n";
  REQUIRE(text.size() == kLimit);
  write_text(dir.file("full.cfg"), text);
  CHECK(load_config(dir.file("full.cfg")).model.layers.size() == 3);
  write_text(dir.file("over.cfg"), text + "\n");
  expect_error([&] { load_config(dir.file("over.cfg")); }, ExitCode::kUsage, "over.cfg: config file larger than 1 MiB");
}

TEST_CASE("explicitly tagged YAML nodes are refused with the line and key path", "[config][hostile]") {
  expect_config_error(kMinimal + "train:\n  epochs: !!python/object:os.system 1\n",
                      "test.cfg:9: train.epochs: explicit YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed");
  // Anywhere in the tree: a layer, a list element, a key, the document, a part the schema never reads.
  expect_config_error(replace(kMinimal, "- conv: {", "- conv: !foo {"), "test.cfg:4: model.layers[0].conv: explicit YAML tag '!foo'");
  expect_config_error(replace(kMinimal, "[1, 28, 28]", "[1, !!int 28, 28]"), "test.cfg:2: model.input[1]: explicit YAML tag");
  expect_config_error(kMinimal + "!!str output: runs/x\n", "test.cfg:8: output: explicit YAML tag 'tag:yaml.org,2002:str'");
  expect_config_error("--- !!map\n" + kMinimal, "test.cfg:1: (top level): explicit YAML tag 'tag:yaml.org,2002:map'");
  expect_config_error(kMinimal + "train: {epochs: 2, nothing: !!binary aGVsbG8=}\n", "train.nothing: explicit YAML tag");
  expect_config_error(kMinimal + "output: !!null\n", "output: explicit YAML tag");
  // Quoted and plain scalars carry no explicit tag, nor does the non-specific tag `!`.
  const RunConfig quoted = parse_config(kMinimal + "output: \"runs/x\"\ntrain: {epochs: '4', seed: ! 3}\n", "q.cfg");
  CHECK(quoted.output == "runs/x");
  CHECK(quoted.train.epochs == 4);
  CHECK(quoted.train.seed == 3);
}

TEST_CASE("aliases work, but alias bombs, cycles and huge trees are refused", "[config][hostile]") {
  const RunConfig shared = parse_config(kMinimal + "train: {epochs: &n 6, batch_size: *n}\n", "alias.cfg");
  CHECK(shared.train.epochs == 6);
  CHECK(shared.train.batch_size == 6);
  expect_config_error(billion_laughs(), "more than 100000 YAML nodes");
  expect_config_error("model: &m {input: [1, 28, 28], layers: [*m]}\n", "more than 100000 YAML nodes");
  std::string wide = "[0";
  for (int i = 0; i < 150000; ++i) wide += ",0";
  expect_config_error(kMinimal + "output: " + wide + "]\n", "more than 100000 YAML nodes");
  // The path of a node deep in a cycle is elided in the middle, so the message stays short.
  const std::string cycle = config_error("a: &x [*x]\n");
  CHECK(cycle.find("more than 100000 YAML nodes") != std::string::npos);
  CHECK(cycle.size() < 400);
}

TEST_CASE("deep nesting is refused, not a stack overflow", "[config][hostile]") {
  for (const int depth : {3000, 100000}) {
    INFO("depth " << depth);
    expect_config_error("model: " + std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']'),
                        "test.cfg:1: YAML nested too deeply");
    std::string maps;
    for (int i = 0; i < depth; ++i) maps += "{a: ";
    expect_config_error("model: " + maps + "1" + std::string(static_cast<std::size_t>(depth), '}'), "YAML nested too deeply");
    std::string dashes;
    for (int i = 0; i < depth; ++i) dashes += "- ";
    expect_config_error(dashes + "x\n", "YAML nested too deeply");
  }
  // A dozen levels is ordinary YAML: the schema, not the parser, refuses it.
  expect_config_error(kMinimal + "output: " + std::string(12, '[') + std::string(12, ']') + "\n", "output: expected a non-empty string");
}

TEST_CASE("huge numbers are out of range, not wrapped or rounded", "[config][hostile]") {
  expect_config_error(kMinimal + "train:\n  epochs: 99999999999999999999999\n",
                      "test.cfg:9: train.epochs: 99999999999999999999999 is out of range [1, 100000]");
  expect_config_error(kMinimal + "train:\n  seed: 18446744073709551616\n", "train.seed: 18446744073709551616 is out of range");
  expect_config_error(kMinimal + "train:\n  seed: -9223372036854775809\n", "train.seed: -9223372036854775809 is out of range");
  expect_config_error(kMinimal + "train:\n  epochs: 4294967297\n", "train.epochs: 4294967297 is out of range");
  expect_config_error(kMinimal + "train:\n  optimizer: {type: adam, lr: 1e999}\n", "train.optimizer.lr: 1e999 is out of range");
  expect_config_error(kMinimal + "train:\n  optimizer: {type: adam, lr: 1e-400}\n", "train.optimizer.lr: 1e-400 is out of range");
  expect_config_error(kMinimal + "train:\n  optimizer: {type: adam, lr: .inf}\n", "expected a number, got '.inf'");
  expect_config_error(kMinimal + "train:\n  optimizer: {type: adam, lr: nan}\n", "expected a number, got 'nan'");
  expect_config_error(kMinimal + "train:\n  epochs: 1e3\n", "expected an integer, got '1e3'");
  expect_config_error(kMinimal + "train:\n  epochs: 0x10\n", "expected an integer, got '0x10'");
  expect_config_error(replace(kMinimal, "units: 10", "units: 99999999999999999999"), "model.layers[2].dense.units: 99999999999999999999 is out of range");
  expect_config_error(replace(kMinimal, "[1, 28, 28]", "[1, 28, 4294967324]"), "model.input: 4294967324 is out of range");
}

TEST_CASE("very long keys and values give short messages", "[config][hostile]") {
  // YAML limits an implicit key to 1024 characters; an explicit key (`? key`) has no limit.
  for (const std::string& key : {std::string(1000, 'k') + ": 1", "? " + std::string(500000, 'k') + "\n  : 1"}) {
    const std::string key_error = config_error(kMinimal + "train:\n  " + key + "\n");
    INFO(key_error);
    CHECK(key_error.find("test.cfg:9: train.kkkkkkkk") == 0);
    CHECK(key_error.find("kkk... (" + std::to_string(key.find(':') == 1000 ? 1000 : 500000) + " bytes): unknown key") !=
          std::string::npos);
    CHECK(key_error.size() < 400);
  }
  const std::string too_long = config_error(kMinimal + "train:\n  " + std::string(500000, 'k') + ": 1\n");
  CHECK(too_long == "test.cfg:9: YAML syntax error: illegal map value");
  const std::string value_error = config_error(kMinimal + "train:\n  epochs: " + std::string(600000, '9') + "\n");
  CHECK(value_error.find("train.epochs: 9999") != std::string::npos);
  CHECK(value_error.find("(600000 bytes) is out of range") != std::string::npos);
  CHECK(value_error.size() < 400);
  const std::string word_error = config_error(replace(kMinimal, "- flatten", "- " + std::string(300000, 'f')));
  CHECK(word_error.find("unknown layer 'ffff") != std::string::npos);
  CHECK(word_error.size() < 400);
  const std::string tag_error = config_error(kMinimal + "output: !" + std::string(300000, 't') + " x\n");
  CHECK(tag_error.find("explicit YAML tag '!ttt") != std::string::npos);
  CHECK(tag_error.size() < 400);
}

TEST_CASE("cnn train refuses hostile configs with exit code 2", "[config][hostile][e2e]") {
  E2eWorkspace w("config", std::nullopt);
  const ScratchDir& dir = w.dir;
  write_text(dir.file("tagged.cfg"), kMinimal + "train:\n  epochs: !!python/object:os.system 1\n");
  expect_cli_failure(train_with_config(w, dir.file("tagged.cfg")), "tagged.cfg:9: train.epochs: explicit YAML tag");
  write_text(dir.file("bomb.cfg"), billion_laughs());
  expect_cli_failure(train_with_config(w, dir.file("bomb.cfg")), "bomb.cfg:");
  expect_cli_failure(train_with_config(w, dir.file("bomb.cfg")), "more than 100000 YAML nodes");
  write_text(dir.file("deep.cfg"), "model: " + std::string(100000, '[') + std::string(100000, ']') + "\n");
  expect_cli_failure(train_with_config(w, dir.file("deep.cfg")), "deep.cfg:1: YAML nested too deeply");
}
