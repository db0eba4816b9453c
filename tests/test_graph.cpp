// Tests of networks as graphs: the add and concat layers, a Net whose layers read several
// earlier layers (gradients of several consumers summed, the network's input read twice), the
// config's name/input/from keys and residual blocks, the graph in model files, and the errors
// that name the file, line and key.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <tuple>

#include "config/config.hpp"
#include "expect_error.hpp"
#include "gradcheck.hpp"
#include "layers/add.hpp"
#include "layers/concat.hpp"
#include "net/builder.hpp"
#include "net/initializer.hpp"
#include "net/net_summary.hpp"
#include "report/network_diagram.hpp"
#include "report/network_views.hpp"
#include "runtime/softmax_cross_entropy.hpp"
#include "train/optimizer.hpp"

using namespace cnn;
using nlohmann::json;

namespace {

// A config around `layers` (YAML lines under model.layers, each starting with "- ").
std::string config_with(const std::string& layers, const std::string& input = "[2, 6, 6]") {
  return "model:\n  input: " + input + "\n  layers:\n" + layers + "    - softmax\n";
}

ModelSpec spec_of(const std::string& layers, const std::string& input = "[2, 6, 6]") {
  return parse_config(config_with(layers, input), "graph.cfg").model;
}

void expect_graph_error(const std::string& layers, const std::string& needle) {
  test::expect_error([&] { parse_config(config_with(layers), "graph.cfg"); }, ExitCode::kUsage, needle);
}

// Non-zero biases so that no tanh or pool sits at a special point; smooth activations only.
std::unique_ptr<Net> initialised(const ModelSpec& spec, std::uint64_t seed) {
  auto net = build_net(spec);
  Rng rng(seed);
  initialize(net->params(), Init::kHeNormal, rng);
  for (const Param& p : net->params())
    if (p.fill == ParamFill::kZeros)
      for (std::size_t i = 0; i < p.value->size(); ++i) (*p.value)[i] = rng.uniform(-0.2f, 0.2f);
  return net;
}

}  // namespace

TEST_CASE("add sums its inputs in order and passes its gradient to each unchanged", "[graph][add]") {
  Add add;
  REQUIRE(add.setup_inputs({Shape{3}, Shape{3}, Shape{3}}) == Shape{3});
  Tensor a(Shape{1, 3}), b(Shape{1, 3}), c(Shape{1, 3});
  for (std::size_t i = 0; i < 3; ++i) {
    a[i] = static_cast<float>(i);
    b[i] = 10.0f * static_cast<float>(i);
    c[i] = -1.0f;
  }
  const Tensor& y = add.forward_inputs({&a, &b, &c}, Mode::kTrain);
  CHECK(y[0] == -1.0f);
  CHECK(y[2] == 21.0f);
  const Tensor dy(Shape{1, 3}, 0.5f);
  const std::vector<const Tensor*>& dx = add.backward_inputs(dy);
  REQUIRE(dx.size() == 3);
  for (const Tensor* d : dx) CHECK(d == &dy);
  test::expect_error([] { Add().setup_inputs({Shape{4, 2, 2}, Shape{4, 2, 3}}); }, ExitCode::kUsage,
                     "input 2 is (4, 2, 3) but input 1 is (4, 2, 2)");
  test::expect_error([] { Add().setup_inputs({Shape{4}}); }, ExitCode::kUsage, "at least two inputs");
}

TEST_CASE("concat joins channels, first input first, and splits the gradient back", "[graph][concat]") {
  Concat concat;
  REQUIRE(concat.setup_inputs({Shape{1, 2, 2}, Shape{2, 2, 2}}) == Shape{3, 2, 2});
  Tensor a(Shape{2, 1, 2, 2}), b(Shape{2, 2, 2, 2});
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(i);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = 100.0f + static_cast<float>(i);
  const Tensor& y = concat.forward_inputs({&a, &b}, Mode::kTrain);
  REQUIRE(y.shape() == Shape{2, 3, 2, 2});
  CHECK(y.at(0, 0, 1, 1) == 3.0f);
  CHECK(y.at(0, 1, 0, 0) == 100.0f);
  CHECK(y.at(1, 0, 0, 0) == 4.0f);    // sample 1 starts with a's sample 1
  CHECK(y.at(1, 2, 1, 1) == 115.0f);
  Tensor dy(y.shape());
  for (std::size_t i = 0; i < dy.size(); ++i) dy[i] = static_cast<float>(i);
  const std::vector<const Tensor*>& dx = concat.backward_inputs(dy);
  CHECK(dx[0]->at(1, 0, 0, 0) == dy.at(1, 0, 0, 0));
  CHECK(dx[1]->at(1, 1, 1, 0) == dy.at(1, 2, 1, 0));
  test::expect_error([] { Concat().setup_inputs({Shape{4, 2, 2}, Shape{4, 3, 2}}); }, ExitCode::kUsage,
                     "input 2 is (4, 3, 2) but input 1 is (4, 2, 2)");
}

TEST_CASE("a graph with fan-out, add, concat and the input read twice passes the gradient check", "[graph][gradcheck]") {
  // c1 is read by a, b and the add (three consumers); the input by c1 and the concat.
  const ModelSpec spec = spec_of(R"(    - conv: {filters: 2, kernel: 3, padding: same, activation: tanh, name: c1}
    - conv: {filters: 2, kernel: 3, padding: same, activation: tanh, name: a}
    - conv: {filters: 2, kernel: 1, activation: tanh, input: c1, name: b}
    - add: {from: [a, b, c1], name: sum}
    - concat: {from: [sum, input]}
    - pool: {type: avg, size: 2, stride: 2}
    - flatten
    - dense: {units: 3}
)");
  auto net = initialised(spec, 11);
  CHECK_FALSE(net->is_chain());
  CHECK(net->layer_output_shape(4) == Shape{4, 6, 6});
  CHECK(net->layer_inputs(3) == std::vector<int>{1, 2, 0});
  CHECK(net->layer_inputs(4) == std::vector<int>{3, kNetworkInput});
  net->set_input_gradient(true);
  Rng rng(12);
  const Tensor x = test::random_tensor(Shape{2, 2, 6, 6}, rng);
  const Label labels[] = {0, 2};
  test::check_net_gradients(*net, x, labels, rng, 30);
}

TEST_CASE("a flat graph: two dense branches joined by concat and add pass the gradient check", "[graph][gradcheck]") {
  const ModelSpec spec = spec_of(R"(    - flatten: {name: flat}
    - dense: {units: 5, activation: sigmoid, name: left}
    - dense: {units: 5, activation: tanh, input: flat, name: right}
    - add: {from: [left, right]}
    - concat: {from: [add1, left, flat]}
    - dense: {units: 4}
)",
                                 "[1, 3, 2]");
  auto net = initialised(spec, 21);
  Rng rng(22);
  const Tensor x = test::random_tensor(Shape{3, 1, 3, 2}, rng);
  const Label labels[] = {1, 3, 0};
  test::check_net_gradients(*net, x, labels, rng, 40);
}

TEST_CASE("gradients of several consumers are summed, none overwrites another", "[graph]") {
  // y = dense(x) read by two identical-weight paths whose sum is the output: the gradient of the
  // shared layer must be the sum of both paths', exactly twice one path's.
  const std::string shared = R"(    - flatten
    - dense: {units: 3, name: shared}
)";
  const ModelSpec twice = spec_of(shared + R"(    - dropout: {rate: 0.0, name: p, input: shared}
    - dropout: {rate: 0.0, name: q, input: shared}
    - add: {from: [p, q]}
)",
                                  "[1, 2, 2]");
  const ModelSpec once = spec_of(shared, "[1, 2, 2]");
  auto a = initialised(twice, 5), b = initialised(once, 5);
  Rng rng(6);
  const Tensor x = test::random_tensor(Shape{2, 1, 2, 2}, rng);
  Tensor dy(Shape{2, 3});
  for (std::size_t i = 0; i < dy.size(); ++i) dy[i] = rng.uniform(-1.0f, 1.0f);
  a->zero_grad();
  b->zero_grad();
  a->forward(x, Mode::kTrain);
  a->backward(dy);
  b->forward(x, Mode::kTrain);
  b->backward(dy);
  for (std::size_t k = 0; k < a->params().size(); ++k)
    for (std::size_t i = 0; i < a->params()[k].grad->size(); ++i)
      CHECK((*a->params()[k].grad)[i] == 2.0f * (*b->params()[k].grad)[i]);
}

TEST_CASE("a conv read by more than its pool is not fused with it, and the numbers are the same", "[graph]") {
  const std::string head = R"(    - conv: {filters: 3, kernel: 3, padding: same, activation: relu, name: c}
    - pool: {type: max, size: 2, stride: 2, name: p}
)";
  const ModelSpec chain = spec_of(head + "    - flatten\n    - dense: {units: 2}\n");
  // A second branch also reads c: c now has two consumers, so it writes its own output.
  const ModelSpec branched = spec_of(head + R"(    - pool: {type: max, size: 2, stride: 2, input: c, name: p2}
    - concat: {from: [p, p2]}
    - flatten
    - dense: {units: 2}
)");
  auto a = initialised(chain, 3);
  auto b = initialised(branched, 3);
  *b->params()[0].value = *a->params()[0].value;  // the same conv
  *b->params()[1].value = *a->params()[1].value;
  Rng rng(4);
  const Tensor x = test::random_tensor(Shape{2, 2, 6, 6}, rng);
  a->forward(x, Mode::kTrain);
  b->forward(x, Mode::kTrain);
  CHECK(a->layer_output(0) == nullptr);  // the chain's conv ran inside its pool's pass
  const Tensor& pa = *a->layer_output(1);
  const Tensor& pb = *b->layer_output(1);
  REQUIRE(pa.shape() == pb.shape());
  for (std::size_t i = 0; i < pa.size(); ++i) CHECK(pa[i] == pb[i]);
  CHECK(b->layer_output(0) != nullptr);  // the branched conv wrote its own output
}

TEST_CASE("config: names, inputs and from, and defaults give today's chain", "[graph][config]") {
  const ModelSpec spec = spec_of(R"(    - conv: {filters: 2, kernel: 3, name: stem}
    - relu
    - conv: {filters: 2, kernel: 1, input: stem}
    - add: {from: [relu1, conv2]}
    - flatten
    - dense: {units: 2}
)");
  REQUIRE(spec.layers.size() == 6);
  CHECK(spec.layers[0].name == "stem");
  CHECK(spec.layers[0].inputs == std::vector<std::string>{"input"});
  CHECK(spec.layers[1].name == "relu1");
  CHECK(spec.layers[1].inputs == std::vector<std::string>{"stem"});
  CHECK(spec.layers[2].name == "conv2");  // its rank among convs, as in a chain
  CHECK(spec.layers[3].inputs == std::vector<std::string>{"relu1", "conv2"});
  CHECK(spec.layers[4].inputs == std::vector<std::string>{"add1"});
  // The model file's JSON keeps the graph and reads back the same.
  const json j = to_json(spec);
  CHECK(j["layers"][3]["inputs"] == json::array({"relu1", "conv2"}));
  CHECK(to_json(model_spec_from_json(j)) == j);
}

TEST_CASE("config: graph errors name the line, the key and what is wrong", "[graph][config]") {
  expect_graph_error("    - conv: {filters: 2, kernel: 3, input: nowhere}\n    - flatten\n    - dense: {units: 2}\n",
                     "graph.cfg:4: model.layers[0].conv.input: no layer is named 'nowhere'");
  expect_graph_error("    - conv: {filters: 2, kernel: 3, input: later}\n    - flatten: {name: later}\n    - dense: {units: 2}\n",
                     "model.layers[0].conv.input: 'later' is layer 2, after this one: a layer reads only earlier layers (no cycles)");
  expect_graph_error("    - conv: {filters: 2, kernel: 3, name: me, input: me}\n    - flatten\n    - dense: {units: 2}\n",
                     "cannot read itself (a cycle)");
  expect_graph_error("    - conv: {filters: 2, kernel: 3, name: a}\n    - conv: {filters: 2, kernel: 1, name: a}\n    - flatten\n"
                     "    - dense: {units: 2}\n",
                     "graph.cfg:5: model.layers[1].conv.name: 'a' is already the name of layer 1");
  expect_graph_error("    - conv: {filters: 2, kernel: 3}\n    - conv: {filters: 2, kernel: 1, name: conv1}\n    - flatten\n"
                     "    - dense: {units: 2}\n",
                     "'conv1' is already the name of layer 1");
  expect_graph_error("    - conv: {filters: 2, kernel: 3, name: input}\n    - flatten\n    - dense: {units: 2}\n",
                     "'input' names the network's input");
  expect_graph_error("    - conv: {filters: 2, kernel: 3, name: 'a b'}\n    - flatten\n    - dense: {units: 2}\n",
                     "'a b' is not a layer name");
  expect_graph_error("    - conv: {filters: 2, kernel: 3, name: dead}\n    - conv: {filters: 2, kernel: 3, input: input}\n"
                     "    - flatten\n    - dense: {units: 2}\n",
                     "model.layers[0].conv.name: no layer reads the output of 'dead'");
  expect_graph_error("    - conv: {filters: 2, kernel: 3, name: a}\n    - add: {from: [a]}\n    - flatten\n    - dense: {units: 2}\n",
                     "model.layers[1].add.from: add joins at least two layers, got 1");
  expect_graph_error("    - conv: {filters: 2, kernel: 3, name: a}\n    - add\n    - flatten\n    - dense: {units: 2}\n",
                     "add needs the names of the layers it joins");
  expect_graph_error("    - conv: {filters: 2, kernel: 3, name: a}\n    - add: {from: a}\n    - flatten\n    - dense: {units: 2}\n",
                     "model.layers[1].add.from: expected a list of layer names");
  expect_graph_error("    - conv: {filters: 2, kernel: 3, name: a}\n    - relu: {from: [a]}\n    - flatten\n    - dense: {units: 2}\n",
                     "model.layers[1].relu.from: unknown key: this layer takes no options (only input and name)");
  // Shapes that do not fit: the add's line, both shapes.
  expect_graph_error("    - conv: {filters: 2, kernel: 3, name: a}\n    - conv: {filters: 3, kernel: 3, input: input, name: b}\n"
                     "    - add: {from: [a, b]}\n    - flatten\n    - dense: {units: 2}\n",
                     "graph.cfg:6: model.layers[2].add: layer 3 (add1): add: input 2 is (3, 4, 4) but input 1 is (2, 4, 4)");
  expect_graph_error("    - conv: {filters: 2, kernel: 3, name: a}\n    - concat: {from: [a, input]}\n    - flatten\n"
                     "    - dense: {units: 2}\n",
                     "concat: input 2 is (2, 6, 6) but input 1 is (2, 4, 4)");
}

TEST_CASE("config: a residual block expands into its body, the shortcut's add and the activation", "[graph][config]") {
  const ModelSpec spec = spec_of(R"(    - conv: {filters: 4, kernel: 3, padding: same}
    - residual:
        repeat: 2
        activation: relu
        name: stage1
        layers:
          - conv: {filters: 4, kernel: 3, padding: same}
          - batch_norm
          - relu
          - conv: {filters: 4, kernel: 3, padding: same}
          - batch_norm
    - global_avg_pool
    - dense: {units: 3}
)");
  // conv1, then per block: conv, bn, relu, conv, bn, add, relu; then the pool and the dense.
  REQUIRE(spec.layers.size() == 1 + 2 * 7 + 2);
  CHECK(spec.layers[1].inputs == std::vector<std::string>{"conv1"});
  CHECK(spec.layers[6].kind == "add");
  CHECK(spec.layers[6].inputs == std::vector<std::string>{"batch_norm2", "conv1"});  // identity: the shapes match
  CHECK(spec.layers[7].name == "relu2");
  CHECK(spec.layers[8].inputs == std::vector<std::string>{"relu2"});  // the second block reads the first
  CHECK(spec.layers[13].inputs == std::vector<std::string>{"batch_norm4", "relu2"});
  CHECK(spec.layers[14].name == "stage1");  // the block's name: its output
  CHECK(spec.layers[15].inputs == std::vector<std::string>{"stage1"});
  auto net = initialised(spec, 31);
  CHECK(net->output_shape() == Shape{3});
  expect_graph_error("    - residual: {shortcut: identity, layers: [conv: {filters: 3, kernel: 3}]}\n    - flatten\n"
                     "    - dense: {units: 2}\n",
                     "add: input 2 is (2, 6, 6) but input 1 is (3, 4, 4)");
  expect_graph_error("    - residual: {shortcut: sideways, layers: [relu]}\n    - flatten\n    - dense: {units: 2}\n",
                     "model.layers[0].residual.shortcut: unknown shortcut 'sideways' (expected auto, identity or projection)");
  expect_graph_error("    - residual: {layers: [add: {from: [a, b]}]}\n    - flatten\n    - dense: {units: 2}\n",
                     "a residual block's body is a chain");
  expect_graph_error("    - residual: {repeat: 0, layers: [relu]}\n    - flatten\n    - dense: {units: 2}\n",
                     "model.layers[0].residual.repeat: 0 is out of range");
  expect_graph_error("    - residual: {activation: wobble, layers: [relu]}\n    - flatten\n    - dense: {units: 2}\n",
                     "unknown activation 'wobble'");
}

TEST_CASE("model files: architectures without names and inputs (versions 1 and 2) are chains", "[graph][model]") {
  json j = to_json(lenet5_spec());
  for (json& layer : j["layers"]) {
    layer.erase("name");
    layer.erase("inputs");
  }
  const ModelSpec spec = model_spec_from_json(j);
  CHECK(spec.layers[2].name == "conv2");
  CHECK(spec.layers[2].inputs == std::vector<std::string>{"pool1"});
  CHECK(to_json(spec) == to_json(lenet5_spec()));
  json bad = to_json(lenet5_spec());
  bad["layers"][1]["inputs"] = json::array({"dense1"});
  test::expect_error([&] { model_spec_from_json(bad); }, ExitCode::kModel,
                     "architecture: layer 2.inputs: 'dense1' is layer 6, after this one");
  bad["layers"][1]["inputs"] = json::array({7});
  test::expect_error([&] { model_spec_from_json(bad); }, ExitCode::kModel, "layer 2.inputs must hold layer names");
  bad["layers"][1]["inputs"] = json::array();
  test::expect_error([&] { model_spec_from_json(bad); }, ExitCode::kModel, "layer 2.inputs must be a non-empty array");
}

TEST_CASE("report views of a graph: feature maps of every conv and pool, a diagram with its skip arcs", "[graph][report]") {
  const ModelSpec spec = spec_of(R"(    - conv: {filters: 3, kernel: 3, padding: same, activation: relu, name: c}
    - pool: {type: max, size: 2, stride: 2}
    - conv: {filters: 3, kernel: 3, padding: same, input: c, name: side}
    - pool: {type: max, size: 2, stride: 2, name: side_pool}
    - add: {from: [pool1, side_pool]}
    - flatten
    - dense: {units: 2}
)");
  auto net = initialised(spec, 41);
  Rng rng(42);
  const Tensor image = test::random_tensor(Shape{2, 6, 6}, rng, 0.0f, 1.0f);
  const std::vector<FeatureMaps> maps = feature_maps(*net, image.data());
  std::vector<std::string> names;
  for (const FeatureMaps& m : maps) names.push_back(m.layer_name);
  CHECK(names == std::vector<std::string>{"input", "c", "pool1", "side", "side_pool"});
  // The maps are the layers' outputs: side_pool from side's planes, pooled by hand.
  const Tensor& side = maps[3].maps;
  const Tensor& pooled = maps[4].maps;
  REQUIRE(side.shape() == Shape{3, 6, 6});
  REQUIRE(pooled.shape() == Shape{3, 3, 3});
  for (std::size_t ch = 0; ch < 3; ++ch) {
    const float* plane = side.data() + ch * 36;
    CHECK(pooled[ch * 9] == std::max({plane[0], plane[1], plane[6], plane[7]}));
  }
  const std::string svg = network_diagram_svg(summarize(*net));
  // Arcs: c -> side (not the layer before) and pool1 -> add1; the rest read the layer before.
  std::size_t arcs = 0;
  for (std::size_t at = 0; (at = svg.find("skip-arrow)", at)) != std::string::npos; ++at) ++arcs;
  CHECK(arcs == 2);
  CHECK(svg.find("add1 · add") != std::string::npos);
}

TEST_CASE("graphs match PyTorch: a residual block with projection, a depthwise-separable block, a concat",
          "[graph][fixture]") {
  // tests/fixtures/graph_blocks.json comes from scripts/make_graph_fixture.py (float64 PyTorch).
  std::ifstream in(std::string(CNN_SOURCE_DIR) + "/tests/fixtures/graph_blocks.json");
  REQUIRE(in.good());
  const json fixture = json::parse(in);
  REQUIRE(fixture["networks"].size() == 3);
  for (const json& c : fixture["networks"]) {
    INFO(c["name"].get<std::string>());
    const ModelSpec spec = parse_config(c["config"].get<std::string>(), "fixture.cfg").model;
    const auto start = [&] {
      auto net = build_net(spec);
      REQUIRE(net->params().size() == c["params"].size());
      for (const Param& p : net->params()) {
        INFO(p.name);
        REQUIRE(c["params"].contains(p.name));
        const json& values = c["params"][p.name]["values"];
        REQUIRE(values.size() == p.value->size());
        for (std::size_t i = 0; i < values.size(); ++i) (*p.value)[i] = values[i].get<float>();
      }
      return net;
    };
    const auto close = [](const Tensor& got, const json& want, double tolerance, const std::string& what) {
      REQUIRE(got.size() == want.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        INFO(what << "[" << i << "]: cnn " << got[i] << ", PyTorch " << want[i].get<double>());
        CHECK(std::abs(got[i] - want[i].get<double>()) <= tolerance * (1.0 + std::abs(want[i].get<double>())));
      }
    };
    std::vector<int> dims = c["x_shape"].get<std::vector<int>>();
    Tensor x{Shape(dims)};
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = c["x"][i].get<float>();
    std::vector<Label> labels;
    for (const json& l : c["labels"]) labels.push_back(static_cast<Label>(l.get<int>()));

    auto net = start();
    net->zero_grad();
    SoftmaxCrossEntropy loss;
    const Tensor& logits = net->forward(x, Mode::kTrain);
    close(logits, c["logits"], 1e-5, "logits");
    CHECK(loss.forward(logits, labels.data()) == Approx(c["loss"].get<double>()).epsilon(1e-5));
    net->backward(loss.backward());
    for (const Param& p : net->params()) close(*p.grad, c["grads"][p.name], 1e-5, p.name + " gradient");

    for (const auto& [type, lr, key] : {std::tuple{OptimizerType::kSgd, 0.1f, "after_sgd"},
                                        std::tuple{OptimizerType::kAdam, 0.01f, "after_adam"}}) {
      auto stepped = start();
      stepped->zero_grad();
      loss.forward(stepped->forward(x, Mode::kTrain), labels.data());
      stepped->backward(loss.backward());
      OptimizerConfig config;
      config.type = type;
      Optimizer optimizer(config, stepped->params());
      optimizer.step(lr);
      // Adam's first step is lr * g / (|g| + eps): a gradient of nearly nothing may round to either
      // sign, so those elements are only held to 2 lr.
      for (const Param& p : stepped->params()) {
        const json& want = c[key][p.name];
        for (std::size_t i = 0; i < p.value->size(); ++i) {
          const double g = c["grads"][p.name][i].get<double>();
          const double tolerance = type == OptimizerType::kAdam && std::abs(g) < 1e-4 ? 2.0 * lr : 1e-5;
          INFO(p.name << "[" << i << "] " << key);
          CHECK(std::abs((*p.value)[i] - want[i].get<double>()) <= tolerance * (1.0 + std::abs(want[i].get<double>())));
        }
      }
    }
  }
}

TEST_CASE("configs/resnet20.cfg is He et al.'s ResNet-20: PyTorch's parameter and MAC counts", "[graph][config]") {
  const RunConfig config = load_config(std::string(CNN_SOURCE_DIR) + "/configs/resnet20.cfg");
  auto net = build_net(config.model);
  const NetSummary s = summarize(*net);
  CHECK(s.trainable == 272474);  // sum(p.numel() for p in model.parameters()) of the same network
  CHECK(s.macs == 40813184);     // conv and dense multiply-accumulates per image
  CHECK(net->output_shape() == Shape{10});
  int convs = 0, adds = 0, projections = 0;
  for (const LayerSummary& l : s.layers) {
    convs += l.kind == "conv" ? 1 : 0;
    adds += l.kind == "add" ? 1 : 0;
    projections += l.kind == "conv" && l.config.find("@1x1") != std::string::npos ? 1 : 0;
  }
  CHECK(convs == 21);  // 1 + 9 blocks x 2 + 2 projections
  CHECK(adds == 9);
  CHECK(projections == 2);
}

TEST_CASE("the CIFAR-10 configs: resnet20-cifar10.cfg is resnet20.cfg's network, cifar10-fast.cfg airbench's shape",
          "[graph][config]") {
  const RunConfig plain = load_config(std::string(CNN_SOURCE_DIR) + "/configs/resnet20.cfg");
  const RunConfig recipe = load_config(std::string(CNN_SOURCE_DIR) + "/configs/resnet20-cifar10.cfg");
  CHECK(to_json(recipe.model) == to_json(plain.model));
  CHECK(recipe.train.epochs <= 50);  // the issue's bound
  CHECK(recipe.train.average.enabled());
  CHECK(recipe.data.validation == 5000);
  const RunConfig fast = load_config(std::string(CNN_SOURCE_DIR) + "/configs/cifar10-fast.cfg");
  auto net = build_net(fast.model);
  const NetSummary s = summarize(*net);
  CHECK(s.macs == 118147360);
  CHECK(s.layers[0].config.find("whitening frozen") != std::string::npos);
  CHECK(s.layers[0].trainable == 0);
  CHECK(fast.train.validation_tta == TestTimeAugmentation::kFlipTranslate);
  CHECK(fast.train.average.enabled());
  CHECK(fast.data.validation == 5000);
}
