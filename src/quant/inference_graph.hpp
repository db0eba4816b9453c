// A trained network as the operations inference runs, in float: what int8 quantization
// calibrates and quantizes (quant/quantize.hpp), and what its float run (quant/inference_run.hpp)
// computes to within rounding of `cnn predict`.
//
//   conv, dense     y = W x + b, batch norm folded into W and b where it follows directly
//                   (nothing else reads the conv's or dense layer's output, no activation between)
//   scale_shift     y = x * weight[c] + bias[c]: a batch norm that could not be folded
//   relu            fused into the op that computes its input (conv, dense, scale_shift, add) when
//                   nothing else reads that input, as int8 kernels clamp at the zero point
//   elementwise     every other activation, and ReLU where it cannot be fused
//   pool, global_avg_pool, global_max_pool, add, concat    as the layers
//   dropout, flatten   nothing: the value passes on (flatten only renames (C, H, W) as (C H W))
//
// Values are numbered: 0 is the network's input after normalisation, op k writes value k + 1.
#pragma once

#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "ops/activation_kind.hpp"
#include "ops/im2col.hpp"
#include "runtime/model_loader.hpp"

namespace cnn {

enum class InferenceOpKind { kConv, kDense, kScaleShift, kPool, kGlobalAvgPool, kGlobalMaxPool, kElementwise, kAdd, kConcat };

// A pooling window: only its real elements count (the first maximum wins a tie; the mean divides
// by their number), as cnn's Pool2d computes same padding.
struct PoolWindows {
  int kernel_h = 0, kernel_w = 0, stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0;  // windows start this far above / left of the input
  bool max = true;                // max, else mean
};

// An element-wise function: an activation, or leaky ReLU with its slope.
struct ElementwiseFunction {
  Activation activation = Activation::kNone;
  bool leaky_relu = false;
  float slope = 0.0f;
  std::string name() const;
  // y[i] = f(x[i]) exactly as the layers compute it (x and y may be the same).
  void apply(const float* x, float* y, std::size_t n) const;
};

struct InferenceOp {
  InferenceOpKind kind = InferenceOpKind::kConv;
  std::string name;         // the layers it stands for: "conv1 + batch_norm1 + relu1"
  int layer = -1;           // the index of the layer it was made for (the conv of a conv's activation)
  std::vector<int> inputs;  // value numbers
  Shape input_shape;        // of the first input: (C, H, W), or (D) for dense
  Shape shape;              // of its output
  // conv (F, C / groups, KH, KW), dense (U, D), scale_shift (C): the weights with any batch
  // norm folded in; bias (F), (U), (C), zeros where the layer had none.
  std::vector<float> weight, bias;
  ConvGeometry conv;
  int groups = 1;
  bool relu = false;  // conv, dense, scale_shift, add: y = max(y, 0) after
  PoolWindows pool;
  ElementwiseFunction function;  // elementwise
};

struct InferenceGraph {
  Shape input;                    // (C, H, W), or (D)
  std::vector<Shape> values;      // value k's shape; values[0] is the input's
  std::vector<InferenceOp> ops;   // in the order they run; op k writes value k + 1
  int output = 0;                 // the value holding the logits
  std::vector<std::string> folded;  // "batch_norm1 into conv1", "relu1 into conv1"
  Normalization normalization;    // applied to the input before value 0 (the model's)
};

// kModel errors name the layer whose kind or options have no inference form here.
InferenceGraph build_inference_graph(LoadedModel& model);

}  // namespace cnn
