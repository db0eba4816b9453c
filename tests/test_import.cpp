// `cnn import`: export then import gives back the same tensors bit for bit (LeNet-5, and a network
// of the 12 kinds import reads back: conv, pool, dense, flatten, relu, tanh, sigmoid, scaled_tanh,
// silu, gelu (both forms), leaky_relu and global_max_pool; of the other 3 of the 15 in
// net/layer_registry.cpp, import refuses batch_norm and global_avg_pool, and reads dropout's
// Identity as no layer), the same architecture where the export changed nothing, and bad input
// is refused. Graphs written by other tools (PyTorch's node orders for SiLU and GELU among them,
// and operators cnn cannot import) are tested with python3-onnx in
// tests/onnx_clients/check_clients.py.
#include <catch2/catch.hpp>

#include <cstring>

#include "cli_runner.hpp"
#include "config/config.hpp"
#include "core/rng.hpp"
#include "net/builder.hpp"
#include "net/initializer.hpp"
#include "onnx/onnx_export.hpp"
#include "onnx/onnx_import.hpp"

using namespace cnn;
using namespace cnn::test;

namespace {

LoadedModel initialised_model(const std::string& config_text, std::uint64_t seed) {
  LoadedModel model;
  model.spec = parse_config(config_text, "test.cfg").model;
  model.net = build_net(model.spec);
  Rng rng(seed);
  initialize(model.net->params(), model.spec.init, rng);
  // Biases start at zero; give them values so that a swapped or dropped bias shows.
  for (const Param& p : model.net->params())
    if (p.name.find(".bias") != std::string::npos)
      for (std::size_t i = 0; i < p.value->size(); ++i) (*p.value)[i] = rng.normal(0.0f, 0.1f);
  return model;
}

void expect_same_tensors(Net& a, Net& b) {
  REQUIRE(a.params().size() == b.params().size());
  for (std::size_t i = 0; i < a.params().size(); ++i) {
    const Param& p = a.params()[i];
    const Param& q = b.params()[i];
    INFO(p.name);
    CHECK(p.name == q.name);
    REQUIRE(p.value->shape() == q.value->shape());
    CHECK(std::memcmp(p.value->data(), q.value->data(), p.value->size() * sizeof(float)) == 0);
  }
}

// The 12 layer kinds that import reads back, with the cases export must get right: same and
// explicit padding, strides, both pool types, every fused activation and activation layer.
const char* kEveryKind = R"(model:
  input: [1, 16, 16]
  layers:
    - conv:    {filters: 3, kernel: 4, padding: same, activation: relu}
    - pool:    {type: avg, size: 2}
    - conv:    {filters: 4, kernel: 3, stride: 2, padding: same, activation: scaled_tanh}
    - conv:    {filters: 4, kernel: 3, padding: 1, activation: sigmoid}
    - conv:    {filters: 5, kernel: 2, activation: tanh}
    - relu
    - pool:    {type: max, size: 2, stride: 1}
    - scaled_tanh
    - flatten
    - dense:   {units: 7, activation: relu}
    - tanh
    - sigmoid
    - dense:   {units: 3}
    - softmax
)";

// The kinds import gained with silu and gelu: those activations fused into conv and dense and as
// layers of their own (after a layer that fuses none, a pool, so they stay layers), leaky_relu
// and global_max_pool.
const char* kNewKinds = R"(model:
  input: [2, 12, 12]
  layers:
    - conv:    {filters: 4, kernel: 3, padding: same, activation: silu}
    - conv:    {filters: 4, kernel: 3, activation: gelu}
    - conv:    {filters: 5, kernel: 3, padding: same, activation: gelu_tanh}
    - pool:    {type: max, size: 2}
    - silu
    - gelu
    - gelu:    {approximate: tanh}
    - leaky_relu: {slope: 0.1}
    - conv:    {filters: 6, kernel: 2}
    - global_max_pool
    - dense:   {units: 5, activation: gelu}
    - dense:   {units: 4, activation: silu}
    - dense:   {units: 3, activation: gelu_tanh}
    - softmax
)";

}  // namespace

TEST_CASE("import gives back what export wrote: LeNet-5, bit for bit, same architecture", "[import]") {
  const std::string lenet = read_text(std::string(CNN_SOURCE_DIR) + "/configs/lenet5.cfg");
  for (bool probabilities : {false, true}) {
    LoadedModel model = initialised_model(lenet, 5);
    const ImportedModel back = import_onnx(export_onnx(model, {probabilities, "lenet5"}), "lenet5.onnx");
    CHECK(to_json(back.spec)["layers"] == to_json(model.spec)["layers"]);
    CHECK(back.spec.input == model.spec.input);
    expect_same_tensors(*model.net, *back.net);
  }
}

TEST_CASE("import of the export of every kind import reads: the same tensors and the same outputs", "[import]") {
  LoadedModel model = initialised_model(kEveryKind, 9);
  const ImportedModel back = import_onnx(export_onnx(model, {false, "every-kind"}), "every-kind.onnx");
  expect_same_tensors(*model.net, *back.net);
  // An activation layer after a conv or dense layer comes back fused into it: the same function.
  Tensor x(Shape{3, 1, 16, 16});
  Rng rng(2);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform();
  const Tensor expected = model.net->forward(x, Mode::kInfer);
  const Tensor& got = back.net->forward(x, Mode::kInfer);
  REQUIRE(got.shape() == expected.shape());
  for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(expected[i]).margin(1e-6));
}

TEST_CASE("import of the export of silu, gelu, leaky_relu and global_max_pool: the same architecture, tensors and outputs",
          "[import]") {
  LoadedModel model = initialised_model(kNewKinds, 11);
  const ImportedModel back = import_onnx(export_onnx(model, {true, "new-kinds"}), "new-kinds.onnx");
  CHECK(to_json(back.spec)["layers"] == to_json(model.spec)["layers"]);
  expect_same_tensors(*model.net, *back.net);
  Tensor x(Shape{3, 2, 12, 12});
  Rng rng(4);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform();
  const Tensor expected = model.net->forward(x, Mode::kInfer);
  const Tensor& got = back.net->forward(x, Mode::kInfer);
  REQUIRE(got.shape() == expected.shape());
  CHECK(std::memcmp(got.data(), expected.data(), got.size() * sizeof(float)) == 0);  // the same bits
}

TEST_CASE("import refuses what is not ONNX, and writes nothing", "[import]") {
  ScratchDir dir("import");
  const std::string legacy = std::string(CNN_SOURCE_DIR) + "/tests/fixtures/legacy-v1-checkpoint.bin";
  RunResult r = run_cnn("import '" + legacy + "' -o '" + dir.file("out.bin") + "'");
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("legacy-v1-checkpoint.bin") != std::string::npos);
  write_text(dir.file("empty.onnx"), "");
  r = run_cnn("import '" + dir.file("empty.onnx") + "' -o '" + dir.file("out.bin") + "'");
  CHECK(r.exit_code == 4);
  r = run_cnn("import '" + dir.file("missing.onnx") + "' -o '" + dir.file("out.bin") + "'");
  CHECK(r.exit_code == 4);
  CHECK_FALSE(std::filesystem::exists(dir.file("out.bin")));

  // A good file into a folder, and the round trip through the command line.
  LoadedModel model = initialised_model(read_text(std::string(CNN_SOURCE_DIR) + "/configs/lenet5.cfg"), 3);
  write_text(dir.file("lenet5.onnx"), export_onnx(model, {true, "lenet5"}));
  std::filesystem::create_directory(dir.file("folder"));
  r = run_cnn("import '" + dir.file("lenet5.onnx") + "' -o '" + dir.file("folder") + "'");
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("is a folder") != std::string::npos);
  r = run_cnn("import '" + dir.file("lenet5.onnx") + "' -o '" + dir.file("lenet5.bin") + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  LoadedModel loaded = load_model(dir.file("lenet5.bin"));
  expect_same_tensors(*model.net, *loaded.net);
}
