// parse_layers: see layer_list.hpp.
#include "config/layer_list.hpp"

#include <fmt/format.h>

#include <map>

#include "net/builder.hpp"
#include "net/json_layer_options.hpp"
#include "net/layer_graph.hpp"
#include "net/layer_registry.hpp"
#include "ops/activation_kind.hpp"

namespace cnn::config_yaml {
namespace {

enum class Shortcut { kAuto, kIdentity, kProjection };
constexpr EnumTable<Shortcut, 3> kShortcutNames{
    {{{Shortcut::kAuto, "auto"}, {Shortcut::kIdentity, "identity"}, {Shortcut::kProjection, "projection"}}}};

constexpr int kMaxRepeat = 1000;

class LayerListReader {
 public:
  LayerListReader(const Reader& r, ModelSpec& spec) : r_(r), spec_(spec) {}

  void read(const YAML::Node& layers) {
    if (!layers.IsSequence() || layers.size() == 0) r_.fail(layers, "model.layers", "expected a non-empty list of layers");
    if (layers.size() > kMaxLayers + 1)
      r_.fail(layers, "model.layers", fmt::format("{} layers is more than the limit of {}", layers.size(), kMaxLayers));
    for (std::size_t i = 0; i < layers.size(); ++i) {
      const Entry e = entry(layers[i], fmt::format("model.layers[{}]", i));
      if (e.kind == "softmax") {  // not a layer: the loss (runtime/softmax_cross_entropy.hpp) applies it
        if (i + 1 != layers.size()) r_.fail(e.node, e.at, "softmax must be the last layer");
        if (e.options && !e.options.IsNull()) r_.fail(e.options, e.at, "takes no options");
        continue;
      }
      if (e.kind == "residual") {
        read_residual(e);
      } else {
        read_layer(e, /*graph_keys=*/true);
      }
    }
    const YAML::Node last = layers[layers.size() - 1];
    if (!(last.IsScalar() && last.Scalar() == "softmax") && !(last.IsMap() && last.begin()->first.Scalar() == "softmax"))
      r_.fail(last, "model.layers", "the last layer must be softmax (cnn trains with softmax cross-entropy)");
    if (const auto problem = complete_graph(spec_.layers)) fail(*problem);
    shapes_of(spec_.layers);  // refuses shapes that do not fit, at the layer's line
  }

 private:
  struct Entry {
    YAML::Node node;     // the list element
    std::string kind;
    YAML::Node options;  // null for `- flatten`
    std::string at;      // "model.layers[3].conv"
  };
  struct Origin {  // where a layer of the spec came from, for messages
    YAML::Node node, options;
    std::string at;
  };

  Entry entry(const YAML::Node& node, const std::string& where) const {
    Entry e{node, "", YAML::Node(), where};
    if (node.IsScalar()) {
      e.kind = node.Scalar();
    } else if (node.IsMap() && node.size() == 1) {
      e.kind = node.begin()->first.Scalar();
      e.options = node.begin()->second;
    } else {
      r_.fail(node, where, "expected a layer name (flatten) or one layer with its options (conv: {...})");
    }
    e.at = where + "." + e.kind;
    return e;
  }

  // One layer; with graph_keys, its name, input or from beside its options.
  void read_layer(const Entry& e, bool graph_keys) {
    const LayerKind* kind = find_layer_kind(e.kind);
    if (kind == nullptr)
      r_.fail(e.node, e.at.substr(0, e.at.rfind('.')),
              "unknown layer '" + shorten(e.kind) + "' (expected " + layer_kind_names() + ", residual or softmax)");
    const bool joins = kind->max_inputs > 1;
    std::set<std::string> keys;
    if (graph_keys) keys = joins ? std::set<std::string>{"name", "from"} : std::set<std::string>{"name", "input"};
    if (joins && !graph_keys) r_.fail(e.node, e.at, "a residual block's body is a chain: add and concat go outside it");
    LayerSpec layer = read_layer_spec(e.kind, YamlLayerOptions(r_, e.options, e.node, e.at, keys));
    if (graph_keys && e.options.IsMap()) {
      if (e.options["name"]) layer.name = r_.get_string(e.options["name"], e.at + ".name");
      if (!joins && e.options["input"]) layer.inputs.push_back(r_.get_string(e.options["input"], e.at + ".input"));
      if (joins && e.options["from"]) {
        const YAML::Node from = e.options["from"];
        if (!from.IsSequence()) r_.fail(from, e.at + ".from", "expected a list of layer names ([a, b])");
        for (std::size_t k = 0; k < from.size(); ++k) layer.inputs.push_back(r_.get_string(from[k], e.at + ".from"));
      }
    }
    append(std::move(layer), {e.node, e.options, e.at});
  }

  void read_residual(const Entry& e) {
    r_.check_map(e.options, e.at, {"repeat", "shortcut", "activation", "name", "layers"}, {"layers"});
    const int repeat = e.options["repeat"] ? static_cast<int>(r_.get_int(e.options["repeat"], e.at + ".repeat", 1, kMaxRepeat)) : 1;
    Shortcut shortcut = Shortcut::kAuto;
    if (e.options["shortcut"]) {
      const std::string name = r_.get_string(e.options["shortcut"], e.at + ".shortcut");
      if (!kShortcutNames.parse(name, &shortcut))
        r_.fail(e.options["shortcut"], e.at + ".shortcut",
                "unknown shortcut '" + shorten(name) + "' (expected " + kShortcutNames.names() + ")");
    }
    Activation activation = Activation::kNone;
    if (e.options["activation"]) {
      const std::string name = r_.get_string(e.options["activation"], e.at + ".activation");
      if (!kActivationNames.parse(name, &activation) || (activation != Activation::kNone && !find_layer_kind(name)))
        r_.fail(e.options["activation"], e.at + ".activation",
                "unknown activation '" + shorten(name) + "' (expected " + kActivationNames.names() + ")");
    }
    const YAML::Node body = e.options["layers"];
    if (!body.IsSequence() || body.size() == 0) r_.fail(body, e.at + ".layers", "expected a non-empty list of layers");
    for (int block = 0; block < repeat; ++block) {
      const std::string block_input = spec_.layers.empty() ? kNetworkInputName : spec_.layers.back().name;
      const std::size_t first = spec_.layers.size();
      for (std::size_t i = 0; i < body.size(); ++i) {
        const Entry layer = entry(body[i], fmt::format("{}.layers[{}]", e.at, i));
        if (layer.kind == "residual" || layer.kind == "softmax")
          r_.fail(layer.node, layer.at, "a residual block's body holds plain layers");
        read_layer(layer, /*graph_keys=*/false);
      }
      spec_.layers[first].inputs = {block_input};
      const std::string body_output = spec_.layers.back().name;
      const Origin origin{e.node, e.options, e.at};
      std::string skip = block_input;
      if (shortcut != Shortcut::kIdentity) {
        const std::vector<Shape> shapes = shapes_of(spec_.layers, GraphCheck::kUnfinished);
        const Shape& in = block_input == kNetworkInputName ? spec_.input : shapes[index_of(block_input)];
        const Shape& out = shapes.back();
        if (shortcut == Shortcut::kProjection || in != out) skip = append_projection(in, out, block_input, origin);
      }
      append(LayerSpec("add", nlohmann::json::object(), "", {body_output, skip}), origin);
      if (activation != Activation::kNone)
        append(LayerSpec(activation_name(activation), nlohmann::json::object()), origin);
    }
    // The block's output, which no layer has read yet, takes the block's name.
    if (e.options["name"]) spec_.layers.back().name = r_.get_string(e.options["name"], e.at + ".name");
  }

  // The 1x1 conv (no bias) and batch norm that take `in` to `out`; returns the batch norm's name.
  std::string append_projection(const Shape& in, const Shape& out, const std::string& input, const Origin& origin) {
    if (in.rank() != 3 || out.rank() != 3 || in[1] % out[1] != 0 || in[2] % out[2] != 0 || in[1] / out[1] != in[2] / out[2])
      r_.fail(origin.node, origin.at + ".shortcut",
              fmt::format("no 1x1 projection takes the block's input {} to its output {} (the sizes must divide evenly)",
                          in.str(), out.str()));
    const int stride = in[1] / out[1];
    nlohmann::json conv = {{"filters", out[0]}, {"kernel", 1}, {"stride", stride}, {"padding", "valid"}, {"bias", false}};
    LayerSpec projection = read_layer_spec("conv", JsonLayerOptions(conv, origin.at + ".shortcut"));
    projection.inputs = {input};
    append(std::move(projection), origin);
    append(read_layer_spec("batch_norm", JsonLayerOptions(nlohmann::json::object(), origin.at + ".shortcut")), origin);
    return spec_.layers.back().name;
  }

  void append(LayerSpec layer, Origin origin) {
    // The automatic name and input now, so that a block can name what it reads.
    if (layer.name.empty()) {
      int rank = 1;
      for (const LayerSpec& l : spec_.layers) rank += l.kind == layer.kind ? 1 : 0;
      layer.name = layer.kind + std::to_string(rank);
    }
    if (layer.inputs.empty() && find_layer_kind(layer.kind)->max_inputs == 1)
      layer.inputs.push_back(spec_.layers.empty() ? kNetworkInputName : spec_.layers.back().name);
    if (spec_.layers.size() >= kMaxLayers)
      r_.fail(origin.node, origin.at, fmt::format("more than the limit of {} layers", kMaxLayers));
    spec_.layers.push_back(std::move(layer));
    origins_.push_back(std::move(origin));
  }

  std::size_t index_of(const std::string& name) const {
    for (std::size_t i = 0; i < spec_.layers.size(); ++i)
      if (spec_.layers[i].name == name) return i;
    CNN_FAIL(ExitCode::kInternal, "no layer '{}'", name);
  }

  // Per-sample output shapes of `layers`, building them; a layer that refuses its inputs fails at
  // its line.
  std::vector<Shape> shapes_of(const std::vector<LayerSpec>& layers, GraphCheck check = GraphCheck::kWhole) {
    ModelSpec partial{spec_.input, layers, spec_.init};
    if (const auto problem = complete_graph(partial.layers, check)) fail(*problem);
    try {
      auto net = build_net(partial);
      std::vector<Shape> shapes;
      for (std::size_t i = 0; i < net->layer_count(); ++i) shapes.push_back(net->layer_output_shape(i));
      return shapes;
    } catch (const LayerSetupError& e) {
      const Origin& o = origins_[e.layer()];
      r_.fail(o.node, o.at, e.what());
    } catch (const Error& e) {  // the input itself
      r_.fail(YAML::Node(), "model.input", e.what());
    }
  }

  [[noreturn]] void fail(const GraphProblem& problem) const {
    const Origin& o = origins_[problem.layer];
    const std::string key = problem.key;
    if (o.options.IsMap() && o.options[key]) r_.fail(o.options[key], o.at + "." + key, problem.what);
    r_.fail(o.node, o.at, problem.what);
  }

  const Reader& r_;
  ModelSpec& spec_;
  std::vector<Origin> origins_;  // per layer of spec_
};

}  // namespace

void parse_layers(const Reader& r, const YAML::Node& layers, ModelSpec& spec) { LayerListReader(r, spec).read(layers); }

}  // namespace cnn::config_yaml
