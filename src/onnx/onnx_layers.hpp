// How each layer kind of cnn is written as ONNX nodes (opset 13): one entry per kind, looked up by
// the kind's name, reading the layer's canonical options (the JSON a model file stores,
// layers/layer_kind.hpp) and its tensors. A kind without an entry cannot be exported, and the
// exporter says so; tests check that every kind in net/layer_registry.cpp has one.
//
//   conv         Conv (explicit pads [top, left, bottom, right]: TensorFlow's `same` is
//                asymmetric for even kernels and strides > 1), then the activation
//   pool         MaxPool / AveragePool with explicit pads (zeros for valid, TensorFlow's for
//                `same`); AveragePool with count_include_pad 0 (the real elements only)
//   dense        Flatten (when its input is not flat yet), Gemm (transB = 1), then the activation
//   flatten      Flatten (axis 1)
//   relu, tanh, sigmoid   Relu, Tanh, Sigmoid
//   scaled_tanh  Mul(2/3), Tanh, Mul(1.7159): the constants cnn computes with
//   silu         Sigmoid, Mul(x): x sigmoid(x)
//   gelu         Div(√2), Erf, Add(1), Mul(x), Mul(0.5) (opset 13 has no Gelu); with approximate
//                tanh (conv's and dense's gelu_tanh) its formula: Mul(x, x), Mul(x), Mul(κ),
//                Add(x), Mul(β), Tanh, Add(1), Mul(x), Mul(0.5), β = √(2/π), κ = 0.044715
//   leaky_relu   LeakyRelu (alpha = slope)
//   batch_norm   BatchNormalization (inference form: gamma, beta, running mean and variance, eps)
//   dropout      Identity (inverted dropout is the identity at inference)
//   global_avg_pool  GlobalAveragePool, then Flatten: cnn's output is (N, C)
//   add          Add (a chain of them for more than two inputs, summed in cnn's order)
//   concat       Concat (axis 1)
//   global_max_pool  GlobalMaxPool, then Flatten
// The activations are written in the same nodes as layers of their own and after a conv or dense.
// tests/onnx_clients/check_clients.py runs every kind in onnxruntime and OpenCV.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "onnx/onnx_graph.hpp"
#include "ops/activation_kind.hpp"
#include "layers/layer.hpp"

namespace cnn {

struct LayerExportContext {
  const std::string& name;        // the layer's name in cnn ("conv1"), the base of its node names
  const nlohmann::json& options;  // canonical options
  Layer& layer;                   // its parameters and state
  const Shape& in;                // per-sample shape of the (first) input
  const Shape& out;               // per-sample output shape
  std::string input;              // the graph tensor feeding the layer (its first input)
  std::vector<std::string> inputs;  // every input's tensor, in order (add and concat read several)
  std::string output;             // the name its last node must produce
};

// Appends the layer's nodes, the last producing ctx.output. Throws cnn::Error(kModel) when the
// layer's options have no ONNX form.
using LayerExport = void (*)(OnnxGraph& graph, const LayerExportContext& ctx);

// nullptr when the kind has no ONNX form.
LayerExport find_layer_export(const std::string& kind);

// Appends `activation` of x as nodes ending in `output` (node names from `base`): what a conv's or
// dense layer's activation becomes.
void add_activation(OnnxGraph& g, Activation activation, const std::string& x, const std::string& output, const std::string& base);

}  // namespace cnn
