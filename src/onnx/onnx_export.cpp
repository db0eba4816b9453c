// export_onnx(): see onnx_export.hpp.
#include "onnx/onnx_export.hpp"
#include "onnx/onnx_model.hpp"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <climits>
#include <map>

#include "core/error.hpp"
#include "onnx/onnx_graph.hpp"
#include "onnx/onnx_layers.hpp"
#include "onnx/onnx_metadata.hpp"
#include "runtime/model_data_info.hpp"

namespace cnn {
namespace {

constexpr std::int64_t kOpset = 13;
constexpr std::int64_t kIrVersion = 7;  // the IR of opset 13 (ONNX 1.8); every runtime since reads it
constexpr const char* kBatch = "N";

// A float32 tensor type (kBatch, dims...) for a graph input or output.
void set_tensor_type(onnx::ValueInfoProto& value, const std::string& name, const Shape& per_sample) {
  value.set_name(name);
  onnx::TypeProto_Tensor& tensor = *value.mutable_type()->mutable_tensor_type();
  tensor.set_elem_type(onnx::TensorProto::FLOAT);
  onnx::TensorShapeProto& shape = *tensor.mutable_shape();
  shape.add_dim()->set_dim_param(kBatch);
  for (int d : per_sample.dims()) shape.add_dim()->set_dim_value(d);
}

// ONNX's checker and strict shape inference, run on the finished model; inference also fills the
// graph's value_info with every intermediate tensor's shape.
void check_with_onnx(onnx::ModelProto& proto, const std::string& source) {
  try {
    onnx::checker::check_model(proto);
    onnx::shape_inference::InferShapes(proto, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(/*check_type=*/true, /*error_mode=*/1));
  } catch (const std::exception& e) {
    CNN_FAIL(ExitCode::kInternal, "{}: ONNX's checker refused the exported graph (a bug in cnn's exporter): {}", source, e.what());
  }
}

// Every layer output's shape as ONNX inferred it must be cnn's: (N, per-sample shape).
void compare_inferred_shapes(const onnx::GraphProto& graph, const std::map<std::string, Shape>& expected, const std::string& source) {
  std::map<std::string, const onnx::ValueInfoProto*> inferred;
  for (const onnx::ValueInfoProto& v : graph.value_info()) inferred[v.name()] = &v;
  for (const onnx::ValueInfoProto& v : graph.output()) inferred[v.name()] = &v;
  for (const auto& [name, shape] : expected) {
    const auto it = inferred.find(name);
    CNN_CHECK(it != inferred.end() && it->second->type().tensor_type().has_shape(),
              "{}: ONNX shape inference gave no shape for '{}'", source, name);
    const onnx::TensorShapeProto& dims = it->second->type().tensor_type().shape();
    bool same = dims.dim_size() == shape.rank() + 1 && dims.dim(0).dim_param() == kBatch;
    for (int d = 0; same && d < shape.rank(); ++d) same = dims.dim(d + 1).dim_value() == shape[d];
    CNN_CHECK(same, "{}: ONNX infers another shape for '{}' than cnn's (N, {})", source, name, shape.str());
  }
}

}  // namespace

std::string begin_onnx_model(onnx::ModelProto& proto, OnnxGraph& g, LoadedModel& model, const std::string& source) {
  Net& net = *model.net;
  proto.set_ir_version(kIrVersion);
  proto.set_producer_name("cnn");
  proto.set_producer_version(CNN_VERSION);
  proto.set_doc_string("exported by cnn " CNN_VERSION " from " + source);
  onnx::OperatorSetIdProto& opset = *proto.add_opset_import();
  opset.set_domain("");
  opset.set_version(kOpset);
  onnx::GraphProto& graph = *proto.mutable_graph();
  graph.set_name("cnn");
  set_tensor_type(*graph.add_input(), "input", net.input_shape());
  g.reserve_name("input");
  // The model's normalisation, as cnn applies it to [0, 1] pixels: (x - mean[c]) / std[c], written
  // as one BatchNormalization with running mean 0, variance 1 and epsilon 0, which every runtime
  // computes as x * scale[c] + bias[c] with scale = 1 / std and bias = -mean / std (the division by
  // sqrt(1 + 0) is exact). OpenCV 4.6 cannot run the plainer Sub and Div with (1, C, 1, 1)
  // constants on a colour input. It stays a node of its own in front of the first layer, not folded
  // into the first conv: a same-padded conv pads the normalised input with zeros, as cnn does.
  const ModelDataInfo data = model_data_info(model.spec, model.data);
  if (!data.normalization.enabled()) return "input";
  const int channels = net.input_shape()[0];
  CNN_CHECK_CODE(static_cast<int>(data.normalization.mean.size()) == channels && static_cast<int>(data.normalization.std.size()) == channels,
                 ExitCode::kModel, "{}: its normalisation has not one mean and std per input channel", source);
  Tensor scale(Shape{channels}), bias(Shape{channels}), zero(Shape{channels}, 0.0f), one(Shape{channels}, 1.0f);
  for (std::size_t c = 0; c < scale.size(); ++c) {
    const double mean = data.normalization.mean[c], deviation = data.normalization.std[c];
    scale[c] = static_cast<float>(1.0 / deviation);  // in double, rounded once to float
    bias[c] = static_cast<float>(-mean / deviation);
  }
  onnx::NodeProto& node = g.add_node("BatchNormalization",
                                     {"input", g.add_initializer("normalize.scale", scale), g.add_initializer("normalize.bias", bias),
                                      g.add_initializer("normalize.mean", zero), g.add_initializer("normalize.var", one)},
                                     "normalized");
  OnnxGraph::set_float(node, "epsilon", 0.0f);
  return "normalized";
}

std::string finish_onnx_model(onnx::ModelProto& proto, OnnxGraph& g, LoadedModel& model, std::string x, bool probabilities,
                              const std::map<std::string, Shape>& shapes, const std::string& source) {
  onnx::GraphProto& graph = *proto.mutable_graph();
  if (x != "logits") {  // a network ending in a (C, H, W) map: its logits are that map, flattened as cnn's softmax reads it
    OnnxGraph::set_int(g.add_node("Flatten", {x}, "logits"), "axis", 1);
    x = "logits";
  }
  if (probabilities) {
    OnnxGraph::set_int(g.add_node("Softmax", {x}, "probabilities"), "axis", 1);
    x = "probabilities";
  }
  set_tensor_type(*graph.add_output(), x, Shape{static_cast<int>(model.net->output_shape().numel())});
  add_onnx_metadata(proto, model_data_info(model.spec, model.data), probabilities);

  // protobuf cannot write a message over 2 GiB; cnn's limits allow such a network in principle.
  CNN_CHECK_CODE(proto.ByteSizeLong() < static_cast<std::size_t>(INT_MAX), ExitCode::kModel,
                 "{}: the network is too large for one ONNX file (protobuf's 2 GiB limit)", source);
  check_with_onnx(proto, source);
  compare_inferred_shapes(graph, shapes, source);
  // The inferred shapes were for the check; every runtime infers them again (and a small int8
  // model would carry them as a noticeable share of its bytes).
  graph.clear_value_info();
  std::string bytes;
  CNN_CHECK(proto.SerializeToString(&bytes), "{}: protobuf could not serialise the ONNX model", source);
  return bytes;
}

std::string export_onnx(LoadedModel& model, const OnnxExportOptions& o) {
  Net& net = *model.net;
  const ModelSpec& spec = model.spec;
  CNN_CHECK(spec.layers.size() == net.layer_count(), "{}: the network does not match its architecture", o.source_name);
  onnx::ModelProto proto;
  OnnxGraph g(proto.mutable_graph());
  const std::string x = begin_onnx_model(proto, g, model, o.source_name);
  std::map<std::string, Shape> layer_shapes;  // each layer's output tensor and cnn's shape for it
  const Shape& out = net.output_shape();
  std::vector<std::string> tensors;  // per layer, the graph tensor holding its output
  for (std::size_t i = 0; i < net.layer_count(); ++i) {
    const std::string& kind = spec.layers[i].kind;
    const LayerExport write = find_layer_export(kind);
    CNN_CHECK_CODE(write != nullptr, ExitCode::kModel, "{}: layer {} ({}) of kind '{}' has no ONNX form in this version of cnn",
                   o.source_name, i + 1, net.layer_name(i), kind);
    const bool last = i + 1 == net.layer_count();
    // The last layer writes "logits" directly when its output is already (N, classes); the others
    // are named after the layer (a layer named like one of the graph's own tensors gets a suffix).
    const std::string& name = net.layer_name(i);
    const bool reserved = name == "logits" || name == "probabilities";
    const std::string output = last && out.rank() == 1 ? "logits" : g.fresh_name(reserved ? name + "_layer" : name);
    std::vector<std::string> inputs;
    for (int input : net.layer_inputs(i))
      inputs.push_back(input == kNetworkInput ? x : tensors[static_cast<std::size_t>(input)]);
    const int first = net.layer_inputs(i)[0];
    const Shape& in = first == kNetworkInput ? net.input_shape() : net.layer_output_shape(static_cast<std::size_t>(first));
    const LayerExportContext ctx{name, spec.layers[i].options, net.layer(i), in, net.layer_output_shape(i), inputs[0],
                                 inputs, output};
    try {
      write(g, ctx);
    } catch (const Error& e) {
      throw Error(e.code(), o.source_name + ": cannot export: " + e.what());
    }
    layer_shapes[output] = net.layer_output_shape(i);
    tensors.push_back(output);
  }
  return finish_onnx_model(proto, g, model, tensors.back(), o.probabilities, layer_shapes, o.source_name);
}

bool has_onnx_form(const std::string& kind) { return find_layer_export(kind) != nullptr; }

}  // namespace cnn
