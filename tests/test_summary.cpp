// `cnn summary` on configs and model files: LeNet-5's totals (61,706 parameters, 416,520
// multiply-accumulates per image), per-layer MACs from their definition, the legacy model file,
// and bad input.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "cli_runner.hpp"

using namespace cnn::test;
using nlohmann::json;

namespace {

json summary_json(const std::string& path) {
  const RunResult r = run_cnn("summary '" + path + "' --format json");
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

const json& layer(const json& summary, const std::string& name) {
  for (const json& l : summary.at("layers"))
    if (l.at("name") == name) return l;
  FAIL("no layer " << name);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("summary of the LeNet-5 config: 61,706 parameters and 416,520 MACs per image", "[summary]") {
  const json s = summary_json(std::string(CNN_SOURCE_DIR) + "/configs/lenet5.cfg");
  CHECK(s.at("parameters") == 61706);
  CHECK(s.at("trainable_parameters") == 61706);
  CHECK(s.at("non_trainable_parameters") == 0);
  CHECK(s.at("macs") == 416520);
  CHECK(s.at("source_kind") == "config");
  CHECK(s.at("model_file_bytes").is_null());
  CHECK(s.at("weights_bytes") == 4 * 61706);
  // MACs by the definitions: conv F*C*kh*kw*OH*OW, dense U*D; none for pooling and flatten.
  CHECK(layer(s, "conv1").at("macs") == 6 * 1 * 5 * 5 * 28 * 28);
  CHECK(layer(s, "conv2").at("macs") == 16 * 6 * 5 * 5 * 10 * 10);
  CHECK(layer(s, "dense1").at("macs") == 120 * 400);
  CHECK(layer(s, "pool1").at("macs") == 0);
  CHECK(layer(s, "conv2").at("output") == json::array({16, 10, 10}));
  CHECK(layer(s, "dense1").at("parameters") == 120 * 400 + 120);
  // Input and every layer's output, 4 bytes a float.
  const std::size_t floats = 28 * 28 + 6 * 28 * 28 + 6 * 14 * 14 + 16 * 10 * 10 + 16 * 5 * 5 + 400 + 120 + 84 + 10;
  CHECK(s.at("activation_bytes") == 4 * floats);
  CHECK(s.at("classes").size() == 10);
  CHECK(s.at("preparation") == "mnist_digit");
}

TEST_CASE("summary as text is a table with the totals", "[summary]") {
  const RunResult r = run_cnn(std::string("summary '") + CNN_SOURCE_DIR + "/configs/lenet5-1998.cfg'");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  for (const char* line : {"layer", "conv1", "6@5x5 stride 1x1 valid scaled_tanh", "(6, 28, 28)", "avg 2x2 stride 2x2",
                           "parameters:            61,706", "MACs per image:        416,520", "placed in a 2-pixel zero border"})
    CHECK(r.out.find(line) != std::string::npos);
}

TEST_CASE("summary of a model file: the legacy checkpoint, its file size and tensors", "[summary]") {
  const std::string path = std::string(CNN_SOURCE_DIR) + "/tests/fixtures/legacy-v1-checkpoint.bin";
  const json s = summary_json(path);
  CHECK(s.at("source_kind") == "model");
  CHECK(s.at("model_file_bytes") == std::filesystem::file_size(path));
  std::size_t weights = 0;
  for (const auto& [name, values] : model_tensors(path))
    if (name.find('/') == std::string::npos) weights += values.size();  // not optimizer state ("adam.m/...")
  CHECK(s.at("parameters") == weights);
  CHECK(s.at("classes") == json::array({"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
}

TEST_CASE("summary: a missing file, a bad config, a corrupt model", "[summary]") {
  ScratchDir dir("summary");
  RunResult r = run_cnn("summary '" + dir.file("missing.cfg") + "'");
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("missing.cfg") != std::string::npos);
  write_text(dir.file("bad.cfg"), "model: {input: [1, 28, 28], layers: [{conv: {filters: 0, kernel: 5}}, softmax]}\n");
  r = run_cnn("summary '" + dir.file("bad.cfg") + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("filters") != std::string::npos);
  std::string bytes = read_text(std::string(CNN_SOURCE_DIR) + "/tests/fixtures/legacy-v1-checkpoint.bin");
  bytes.resize(bytes.size() / 2);
  write_text(dir.file("truncated.bin"), bytes);
  r = run_cnn("summary '" + dir.file("truncated.bin") + "'");
  CHECK(r.exit_code == 4);
}
