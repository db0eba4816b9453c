// ONNX import (`cnn import MODEL.onnx -o MODEL.bin`): the subset that `cnn export` writes, in
// reverse, so that a network trained elsewhere (a LeNet from PyTorch, say) can be evaluated,
// used for prediction and fine-tuned with cnn.
//
// The graph has one input (N, C, H, W) of float32 and one output, weights as float32
// initializers (or Constant nodes, or Identity copies of them), in the default domain at opset 9
// to 18. Its nodes, in graph order, become layers that read the layers their inputs came from:
//   Conv (groups, dilations; pads none, TensorFlow-same or symmetric; no bias input: bias false),
//     then optionally an activation that only it reads -> conv with that activation
//   Gemm (alpha = beta = 1, transA 0; transB 1, or 0 with the weight transposed), then optionally
//     an activation                 -> dense
//   MaxPool / AveragePool (no pads, no ceil_mode, no dilation; a Pad of nothing before) -> pool
//   GlobalMaxPool, then Flatten (axis 1)                         -> global_max_pool
//   Flatten (axis 1) -> flatten;  Relu, Tanh, Sigmoid -> those layers;
//   LeakyRelu (alpha in [0, 0.999])                              -> leaky_relu
//   Mul(2/3), Tanh, Mul(1.7159) with cnn's own constants         -> scaled_tanh
//   Sigmoid(x), Mul(x, it)                                       -> silu
//   Div(√2), Erf, Add(1), Mul(x), Mul(0.5)                       -> gelu
//   Mul(x, x), Mul(x), Mul(κ), Add(x), Mul(β), Tanh, Add(1), Mul(x), Mul(0.5)
//                                                                -> gelu {approximate: tanh}
//     (the SiLU and GELU nodes as torch.onnx.export writes nn.SiLU and nn.GELU at opset 13, and
//     as cnn's export does; Add and Mul in either operand order, the constants exactly the
//     float32 values of ops/activation.hpp; after a Conv or Gemm they are its activation)
//   BatchNormalization (inference) -> batch_norm;  GlobalAveragePool + Flatten -> global_avg_pool
//   Add (two inputs) -> add;  Concat (axis 1) -> concat
//   Identity, Dropout (inference) -> nothing;  a final Softmax -> nothing (cnn's output is logits)
// Anything else is refused with the operator and the node named, as is a branch that does not
// reach the output. Tensors keep their bits, so export then import gives back the same tensors.
#pragma once

#include <memory>
#include <string>

#include "net/model_spec.hpp"
#include "net/net.hpp"

namespace cnn {

struct ImportedModel {
  ModelSpec spec;
  std::unique_ptr<Net> net;  // built from spec, holding the graph's weights
};

// `bytes` is a serialised ModelProto; `source` names it in messages. Throws cnn::Error(kModel)
// naming the node when the graph is not ONNX or not of the subset above.
ImportedModel import_onnx(const std::string& bytes, const std::string& source);

}  // namespace cnn
