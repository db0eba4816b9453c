// `cnn import`: export then import gives back the same tensors bit for bit (LeNet-5, a network of
// the activation and pooling kinds, one of silu, gelu (both forms), leaky_relu and
// global_max_pool, and for every kind of net/layer_registry.cpp a small network holding it, so that
// a new kind without an import fails here; dropout's Identity comes back as no layer), the same
// architecture where the export changed nothing, and bad input is refused; grouped, dilated and
// bias-free convs come back the same (check_clients.py looks at their Conv nodes' group,
// dilations, pads and inputs). Graphs written by other tools (PyTorch's node orders for SiLU and
// GELU among them, and operators cnn cannot import) are tested with python3-onnx in
// tests/onnx_clients/check_clients.py and tests/onnx_clients/check_torch_imports.py.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>

#include "cli_runner.hpp"
#include "config/config.hpp"
#include "core/rng.hpp"
#include "net/builder.hpp"
#include "net/initializer.hpp"
#include "net/layer_registry.hpp"
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
  REQUIRE(a.state().size() == b.state().size());
  for (std::size_t i = 0; i < a.state().size(); ++i) {
    INFO(a.state()[i].name);
    CHECK(a.state()[i].name == b.state()[i].name);
    REQUIRE(a.state()[i].value->shape() == b.state()[i].value->shape());
    CHECK(std::memcmp(a.state()[i].value->data(), b.state()[i].value->data(), a.state()[i].value->size() * sizeof(float)) == 0);
  }
}

// For each layer kind of the registry, the layers of a small network (on a (2, 8, 8) input) that
// hold it where export and import must get it right. A kind missing here fails the round trip.
const std::map<std::string, std::string>& kind_examples() {
  static const std::map<std::string, std::string> examples = {
      {"conv", "- conv: {filters: 3, kernel: 3, stride: 2, padding: same, activation: relu}\n- flatten\n"},
      {"pool", "- pool: {type: max, size: 2}\n- pool: {type: avg, size: 2, stride: 1}\n- flatten\n"},
      {"dense", "- dense: {units: 6, activation: tanh}\n"},
      {"flatten", "- flatten\n"},
      {"relu", "- relu\n- flatten\n"},
      {"tanh", "- tanh\n- flatten\n"},
      {"sigmoid", "- sigmoid\n- flatten\n"},
      {"scaled_tanh", "- scaled_tanh\n- flatten\n"},
      {"leaky_relu", "- leaky_relu: {slope: 0.2}\n- flatten\n"},
      {"batch_norm", "- conv: {filters: 3, kernel: 3}\n- batch_norm: {momentum: 0.2, eps: 0.001}\n- flatten\n"},
      {"dropout", "- dropout: {rate: 0.3}\n- flatten\n"},
      {"global_avg_pool", "- conv: {filters: 4, kernel: 3}\n- global_avg_pool\n"},
      {"add", "- conv: {filters: 2, kernel: 3, padding: same, name: a}\n- add: {from: [a, input]}\n- flatten\n"},
      {"concat", "- conv: {filters: 3, kernel: 1, name: a}\n- relu: {input: input}\n- concat: {from: [relu1, a]}\n- flatten\n"},
      {"silu", "- conv: {filters: 3, kernel: 3, activation: silu}\n- silu\n- flatten\n"},
      {"gelu", "- conv: {filters: 3, kernel: 3, activation: gelu}\n- gelu\n- gelu: {approximate: tanh}\n- flatten\n"},
      {"global_max_pool", "- conv: {filters: 4, kernel: 3}\n- global_max_pool\n"},
  };
  return examples;
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

TEST_CASE("every layer kind of the registry goes out and comes back: same tensors, same outputs", "[import]") {
  for (const std::string& kind : layer_kind_list()) {
    INFO("kind " << kind);
    const auto example = kind_examples().find(kind);
    REQUIRE(example != kind_examples().end());  // a new kind needs an example above
    std::string layers;
    for (std::size_t at = 0, next; at < example->second.size(); at = next + 1) {
      next = example->second.find('\n', at);
      layers += "    " + example->second.substr(at, next - at) + "\n";
    }
    const std::string config = "model:\n  input: [2, 8, 8]\n  layers:\n" + layers + "    - dense: {units: 3}\n    - softmax\n";
    LoadedModel model = initialised_model(config, 17);
    for (const Param& s : model.net->state())  // running statistics that are not the defaults
      for (std::size_t i = 0; i < s.value->size(); ++i) (*s.value)[i] = 0.5f + 0.1f * static_cast<float>(i);
    const ImportedModel back = import_onnx(export_onnx(model, {false, kind}), kind + ".onnx");
    expect_same_tensors(*model.net, *back.net);
    Tensor x(Shape{2, 2, 8, 8});
    Rng rng(3);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform(-1.0f, 1.0f);
    const Tensor expected = model.net->forward(x, Mode::kInfer);
    const Tensor& got = back.net->forward(x, Mode::kInfer);
    REQUIRE(got.shape() == expected.shape());
    for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(expected[i]).margin(1e-6));
  }
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

TEST_CASE("export and import of grouped, dilated and bias-free convs: the same architecture, tensors and outputs",
          "[import][export][grouped]") {
  // Same padding at stride 2 with the dilated extent (rows: extent 5, pads 2/2; columns: extent 3,
  // pads 0/1, which import must recognise as same), a depthwise conv with explicit padding, a
  // valid one dilated across; two without a bias, whose Conv nodes have no bias input.
  const char* config = R"(model:
  input: [4, 15, 14]
  layers:
    - conv:    {filters: 6, kernel: 3, stride: 2, padding: same, groups: 2, dilation: [2, 1], bias: false, activation: relu}
    - conv:    {filters: 6, kernel: 3, padding: 1, groups: 6, dilation: 2}
    - conv:    {filters: 4, kernel: [2, 3], dilation: [1, 2], bias: false}
    - flatten
    - dense:   {units: 3}
    - softmax
)";
  LoadedModel model = initialised_model(config, 12);
  const ImportedModel back = import_onnx(export_onnx(model, {false, "grouped"}), "grouped.onnx");
  CHECK(to_json(back.spec)["layers"] == to_json(model.spec)["layers"]);
  CHECK(to_json(back.spec)["layers"][0]["bias"] == false);
  expect_same_tensors(*model.net, *back.net);
  Tensor x(Shape{2, 4, 15, 14});
  Rng rng(5);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform();
  const Tensor expected = model.net->forward(x, Mode::kInfer);
  const Tensor& got = back.net->forward(x, Mode::kInfer);
  REQUIRE(got.shape() == expected.shape());
  for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == expected[i]);
}
