// The C export's pieces (c_export/): literals that read back exactly, names that can be C symbols,
// the buffer plan and batch-norm folding, and refusals that write nothing. The generated C is
// compiled and run against `cnn predict` by tests/c_export/check_c_export.py (ctest c_export).
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "c_export/c_export.hpp"
#include "c_export/c_literals.hpp"
#include "cli_runner.hpp"
#include "config/config.hpp"
#include "core/rng.hpp"
#include "expect_error.hpp"
#include "idx_writer.hpp"
#include "io/model_file.hpp"
#include "net/builder.hpp"
#include "net/initializer.hpp"
#include "random_model.hpp"

using namespace cnn;
using namespace cnn::test;

namespace {

CExport exported(const ModelSpec& spec, const std::string& name = "net") {
  LoadedModel model = random_model(spec);
  return export_c(model, {name, "test.bin"});
}

ModelSpec spec_of(const std::string& layers) {
  return parse_config("model:\n  input: [2, 9, 9]\n  layers:\n" + layers + "    - softmax\n", "c.cfg").model;
}

// The bytes of a C string literal, its escapes undone (the forms c_string writes).
std::string unescape(const std::string& literal) {
  REQUIRE(literal.size() >= 2);
  REQUIRE(literal.front() == '"');
  REQUIRE(literal.back() == '"');
  std::string out;
  for (std::size_t i = 1; i + 1 < literal.size(); ++i) {
    if (literal[i] != '\\') {
      out += literal[i];
      continue;
    }
    out += static_cast<char>(std::strtol(literal.substr(i + 1, 3).c_str(), nullptr, 8));
    i += 3;
  }
  return out;
}

}  // namespace

TEST_CASE("C float literals read back as the same float", "[c_export]") {
  Rng rng(3);
  std::vector<float> values = {0.0f, -0.0f, 1.0f, -3.0f, 0.1f, 1e-45f, -1e-40f, FLT_MIN, FLT_MAX, -FLT_MAX, 16777217.0f, 1.7159f};
  for (int i = 0; i < 2000; ++i) values.push_back(std::ldexp(rng.uniform() - 0.5f, static_cast<int>(rng.uniform() * 200) - 100));
  for (float v : values) {
    const std::string text = c_float(v);
    INFO(text);
    CHECK(text.back() == 'f');
    CHECK(text.find_first_of(".e") != std::string::npos);  // "3f" would not be C
    const float back = std::strtof(text.substr(0, text.size() - 1).c_str(), nullptr);
    std::uint32_t bits = 0;  // by the bits: with denormals flushed (as the tests run) they compare equal to 0
    std::memcpy(&bits, &v, sizeof bits);
    float expected = v;
    if ((bits & 0x7f800000u) == 0) expected = (bits & 0x80000000u) != 0 ? -0.0f : 0.0f;  // a denormal: zero to cnn
    CHECK(std::memcmp(&back, &expected, sizeof v) == 0);  // bit for bit: -0.0 stays negative
  }
  expect_error([] { c_float(NAN); }, ExitCode::kInternal, "not finite");
}

TEST_CASE("C string literals hold any bytes and nothing that ends them early", "[c_export]") {
  std::string every;
  for (int b = 1; b < 256; ++b) every += static_cast<char>(b);
  for (const std::string& s : {std::string("plain"), std::string("say \"hi\""), std::string("a\\b"), std::string("?\?="),
                               std::string("caf\xc3\xa9"), std::string("line\nbreak"), every}) {
    const std::string literal = c_string(s);
    INFO(literal);
    CHECK(unescape(literal) == s);
    for (std::size_t i = 1; i + 1 < literal.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(literal[i]);
      CHECK((c >= 0x20 && c < 0x7f));
      CHECK(c != '"');
      CHECK(c != '?');
    }
  }
}

TEST_CASE("a C export's name must be a C identifier", "[c_export]") {
  for (const char* good : {"lenet", "net_2", "LeNet5", "a"}) CHECK(is_c_identifier(good));
  for (const char* bad : {"", "2net", "_net", "le-net", "le net", "int", "static", "while", "caf\xc3\xa9",
                          "a_name_of_thirty_two_characters_"})
    CHECK_FALSE(is_c_identifier(bad));
  expect_error([] { exported(lenet5_spec(), "lenet-5"); }, ExitCode::kUsage, "cannot name C symbols");
}

TEST_CASE("LeNet-5 as C: its sizes, two activation buffers, the macros", "[c_export]") {
  const CExport c = exported(lenet5_spec(), "lenet");
  CHECK(c.weight_bytes == 61706 * sizeof(float));
  // conv1's 6x28x28 and pool1's 6x14x14 buffers serve every layer after, in turn.
  REQUIRE(c.buffers.size() == 2);
  CHECK(c.buffers[0].floats == 6 * 28 * 28);
  CHECK(c.buffers[1].floats == 6 * 14 * 14);
  CHECK(c.ram_bytes == (6 * 28 * 28 + 6 * 14 * 14) * sizeof(float));
  CHECK(c.header.find("#define LENET_CLASSES 10") != std::string::npos);
  CHECK(c.header.find("#define LENET_WEIGHT_BYTES 246824") != std::string::npos);
  CHECK(c.header.find("int lenet_predict(const float *input, float *probabilities);") != std::string::npos);
  CHECK(c.source.find("malloc") == std::string::npos);
  CHECK(c.source.find("static void conv2d(") != std::string::npos);
  CHECK(c.source.find("static void act_gelu(") == std::string::npos);  // only the kernels it uses
}

TEST_CASE("batch norm folds into a conv without activation read by it alone, and only there", "[c_export]") {
  const CExport folded = exported(spec_of("    - conv: {filters: 3, kernel: 3}\n    - batch_norm\n    - relu\n"
                                          "    - flatten\n    - dense: {units: 4}\n"));
  REQUIRE(folded.folded.size() == 1);
  CHECK(folded.folded[0] == "batch_norm1 into conv1");
  CHECK(folded.source.find("scale_shift(") == std::string::npos);
  // After an activation the norm stays a layer (scale and shift).
  const CExport kept = exported(spec_of("    - conv: {filters: 3, kernel: 3, activation: relu}\n    - batch_norm\n"
                                        "    - flatten\n    - dense: {units: 4}\n"));
  CHECK(kept.folded.empty());
  CHECK(kept.source.find("scale_shift(") != std::string::npos);
}

TEST_CASE("cnn export --format c refuses what it cannot write and leaves nothing behind", "[c_export][cli]") {
  ScratchDir dir("c-export");
  write_bytes(dir.file("broken.bin"), "CNNMODEL not really a model");
  RunResult r = run_cnn("export " + dir.file("broken.bin") + " --format c -o " + dir.file("net.c"));
  CHECK(r.exit_code == 4);
  CHECK(!std::filesystem::exists(dir.file("net.c")));
  CHECK(!std::filesystem::exists(dir.file("net.h")));
  write_bytes(dir.file("lenet.bin"), random_model_bytes(lenet5_spec()));
  r = run_cnn("export " + dir.file("lenet.bin") + " --format c -o " + dir.file("net.txt"));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("ending in .c") != std::string::npos);
  r = run_cnn("export " + dir.file("lenet.bin") + " -o " + dir.file("for.c"));  // a keyword
  CHECK(r.exit_code == 2);
  CHECK(!std::filesystem::exists(dir.file("for.c")));
  r = run_cnn("export " + dir.file("lenet.bin") + " -o " + dir.file("lenet.c"));  // .c: the C export
  REQUIRE(r.exit_code == 0);
  CHECK(std::filesystem::exists(dir.file("lenet.h")));
  r = run_cnn("export " + dir.file("lenet.bin") + " -o " + dir.file("deploy/src/lenet.c"));  // its folder is made
  REQUIRE(r.exit_code == 0);
  CHECK(std::filesystem::exists(dir.file("deploy/src/lenet.h")));
  CHECK(r.err.find("246824 bytes of weights") != std::string::npos);
}

TEST_CASE("cnn export --int8 calibrates on the run's training images and measures on its validation images", "[c_export][cli][quantize]") {
  ScratchDir dir("c-export-int8");
  std::filesystem::create_directories(dir.file("data"));
  write_synthetic_mnist(dir.file("data"), 600, 50, false);
  write_bytes(dir.file("tiny.cfg"),
              "data: {dir: " + dir.file("data") + ", validation: 100}\nmodel:\n  input: [1, 28, 28]\n  layers:\n"
              "    - conv: {filters: 4, kernel: 5, activation: relu}\n    - pool: {type: max, size: 2, stride: 2}\n"
              "    - flatten\n    - dense: {units: 10}\n    - softmax\ntrain: {epochs: 1, batch_size: 50}\noutput: " +
                  dir.file("run") + "\n");
  REQUIRE(run_cnn("train -q -c " + dir.file("tiny.cfg") + " --threads 1").exit_code == 0);
  const std::string model = dir.file("run/model.bin");
  RunResult r = run_cnn("export " + model + " --int8 --calibrate 200 --threads 1 -o " + dir.file("c8/tiny.c"));
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("calibrated on 200 training images") != std::string::npos);
  CHECK(r.err.find("int8 accuracy on the 100 validation images") != std::string::npos);
  const std::string source = read_bytes(dir.file("c8/tiny.c")), header = read_bytes(dir.file("c8/tiny.h"));
  CHECK(header.find("int tiny_predict_u8(const unsigned char *pixels);") != std::string::npos);
  CHECK(header.find("#define TINY_INT8 1") != std::string::npos);
  CHECK(source.find("#include <math.h>") == std::string::npos);
  CHECK(source.find("q_conv2d(") != std::string::npos);
  // More calibration images than the run has: all of them, with a warning.
  r = run_cnn("export " + model + " --int8 --calibrate 100000 --threads 1 -o " + dir.file("c8/all.c"));
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("calibrating on all of them") != std::string::npos);
  // The run's data gone: a clear error and nothing written; --data points elsewhere.
  std::filesystem::rename(dir.file("data"), dir.file("moved"));
  r = run_cnn("export " + model + " --int8 -o " + dir.file("c8/gone.c"));
  CHECK(r.exit_code != 0);
  CHECK(r.err.find(dir.file("data")) != std::string::npos);
  CHECK(!std::filesystem::exists(dir.file("c8/gone.c")));
  r = run_cnn("export " + model + " --int8 --data " + dir.file("moved") + " -o " + dir.file("c8/moved.c"));
  CHECK(r.exit_code == 0);
  // A model without recorded settings needs --data; --calibrate without --int8 is refused.
  write_bytes(dir.file("lenet.bin"), random_model_bytes(lenet5_spec()));
  r = run_cnn("export " + dir.file("lenet.bin") + " --int8 -o " + dir.file("c8/lenet.c"));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("give --data DIR") != std::string::npos);
  CHECK(run_cnn("export " + model + " --calibrate 10 -o " + dir.file("c8/x.c")).exit_code == 2);
  // --qlinear: a form of int8 ONNX only (tests/c_export/int8_checks.py runs it in onnxruntime and OpenCV).
  r = run_cnn("export " + model + " --int8 --qlinear --data " + dir.file("moved") + " --threads 1 -o " + dir.file("tiny_qlinear.onnx"));
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("int8 QLinearConv") != std::string::npos);
  CHECK(read_bytes(dir.file("tiny_qlinear.onnx")).find("QLinearConv") != std::string::npos);
  CHECK(run_cnn("export " + model + " --qlinear -o " + dir.file("plain.onnx")).exit_code == 2);
  r = run_cnn("export " + model + " --int8 --qlinear --data " + dir.file("moved") + " -o " + dir.file("c8/q.c"));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--qlinear is a form of int8 ONNX") != std::string::npos);
  CHECK(!std::filesystem::exists(dir.file("c8/q.c")));
  CHECK(!std::filesystem::exists(dir.file("plain.onnx")));
}
