// The Layer contract, written once. Every layer follows the lifecycle
//
//   setup(in)        once: per-sample input shape -> per-sample output shape; allocates parameters.
//   forward(x, mode) x is (N, in...) and must stay alive until backward, unless the layer says
//                    its backward never reads it (backward_reads_input); returns y (N, out...), a
//                    buffer owned by the layer and overwritten by the next forward, or, for a layer
//                    whose backward never reads its output (output_can_be_lent), one the Net lent
//                    it for this forward and reuses once every consumer's forward has run.
//   backward(dy)     dy is dL/dy for the last forward; returns dL/dx (overwritten each call) and
//                    ADDS dL/dparam into the parameter gradients (cleared once a step by the Net).
//                    dL/dx goes into input_gradient_buffer(): the layer's own, or one the Net
//                    lent it for this backward (net/buffer_pool.hpp), shared with layers
//                    whose gradients are never alive at the same time; either way dy is not it.
//   params()         views of each trainable parameter and its gradient, named locally ("weight",
//                    "bias"), with how each starts (ParamFill); the optimizer updates these.
//   state()          non-trainable tensors the layer keeps between steps (running statistics):
//                    saved in model files and checkpoints beside the parameters, never updated by
//                    the optimizer, copied from the master network to its replicas.
//   set_step(step)   called before each training forward: a layer that needs randomness (dropout)
//                    derives it from the run's seed, the step and the global index of each sample,
//                    so it is independent of the thread count and a resumed run replays it exactly.
//   set_batch_reducer(r)  for layers whose training forward/backward needs sums over the whole
//                    batch (batch norm): r combines them across the replicas that each hold a slice
//                    of the batch (core/batch_reducer.hpp); null (the default) means this replica
//                    holds the whole batch.
//
// Buffers are sized on the first call for a batch size and reused after, so a training step on a
// fixed batch size allocates nothing.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/batch_reducer.hpp"
#include "core/tensor.hpp"

namespace cnn {

// kTrain: a training step (batch norm's batch statistics, dropout's mask); a backward follows.
// kInfer: no backward will follow this forward, so a layer may skip what only backward needs
// (max pooling's argmax); calling backward after it is an error.
// kInferWithGradient: inference's arithmetic (running statistics, no dropout), and a backward
// follows: the gradient of a prediction with respect to the input and the activations, for
// Grad-CAM and saliency maps (runtime/class_evidence.hpp). Parameter gradients are added too.
enum class Mode { kTrain, kInfer, kInferWithGradient };

// Whether a backward may follow a forward in `mode`: the layer keeps what backward needs.
inline bool backward_follows(Mode mode) { return mode != Mode::kInfer; }

// Caps that setup() checks before allocating, so that a config or model file cannot make cnn
// allocate gigabytes: parameters of one layer, elements of one sample's activations (and of a
// conv layer's column buffer). Far above any network cnn is meant for (LeNet-5: 61,706 parameters).
constexpr std::uint64_t kMaxLayerParameters = std::uint64_t{1} << 26;
constexpr std::uint64_t kMaxSampleElements = std::uint64_t{1} << 24;

// The product of the factors, or UINT64_MAX when it would overflow.
std::uint64_t saturating_product(std::initializer_list<std::uint64_t> factors);

// How a tensor starts: drawn by the model's initializer (weights), or a constant.
enum class ParamFill { kInitializer, kZeros, kOnes };

struct Param {
  std::string name;     // "weight", "bias"; the Net prefixes the layer name: "conv1.weight"
  Tensor* value = nullptr;
  Tensor* grad = nullptr;  // null for state tensors
  int fan_in = 0;       // inputs feeding one output unit (C*kh*kw for a conv): for initializers
  int fan_out = 0;      // outputs fed by one input unit (F*kh*kw for a conv)
  ParamFill fill = ParamFill::kInitializer;
  bool weight_decay = true;  // L2 weight decay applies (not to batch norm's gamma and beta)
  bool trainable = true;     // false: frozen (a layer's `trainable: false`); the optimizer leaves it
};

// What set_step tells a layer about the training step to come.
struct StepContext {
  std::uint64_t seed = 0;        // the run's seed
  std::int64_t step = 0;         // the global step (0-based)
  std::int64_t first_sample = 0;  // the global index, within the step's batch, of this forward's first sample
  std::int64_t layer = 0;        // the layer's position in the network (set by Net): two dropout layers differ
};

// Where a layer's output positions lie in its input, per axis: the centre of the window that
// output row o reads is input row scale_h * o + offset_h (pixel centres at whole numbers), and
// likewise for columns. For putting a layer's map back on the input's pixels (Grad-CAM).
struct PositionMap {
  double scale_h = 1, offset_h = 0, scale_w = 1, offset_w = 0;
  // o -> outer(this(o)): this layer's map followed by the map of the layer its input came from.
  PositionMap then(const PositionMap& outer) const {
    return {outer.scale_h * scale_h, outer.scale_h * offset_h + outer.offset_h, outer.scale_w * scale_w,
            outer.scale_w * offset_w + outer.offset_w};
  }
};

class Layer {
 public:
  virtual ~Layer() = default;
  virtual std::string kind() const = 0;      // "conv", "pool", ...
  virtual std::string describe() const = 0;  // one line for the summary table: "6@5x5 s1 same relu"
  virtual Shape setup(const Shape& in) = 0;
  virtual const Tensor& forward(const Tensor& x, Mode mode) = 0;
  virtual const Tensor& backward(const Tensor& dy) = 0;
  virtual std::vector<Param> params() { return {}; }
  virtual std::vector<Param> state() { return {}; }
  virtual void set_step(const StepContext& /*step*/) {}
  virtual void set_batch_reducer(BatchReducer* /*reducer*/) {}
  // Multiply-accumulates of the layer's products per image (conv and dense; 0 for the rest), for
  // `cnn summary`. Valid after setup.
  virtual std::uint64_t macs_per_sample() const { return 0; }
  // Where the output's positions lie in the input (valid after setup). The identity for layers
  // that keep positions (element-wise layers, batch norm, add, concat); conv and pool override it.
  // Meaningless for layers whose output has no positions (dense, flatten, global pools).
  virtual PositionMap output_positions() const { return {}; }

  // Fusion with a following 2x2, stride-2 max pool (the Net plans it at setup, in both modes): the layer
  // may compute the pooled output directly, skipping a pass over its own output and the pool
  // layer. Returns nullptr when it cannot; the result must equal forward then pooling exactly, bit
  // for bit. After a Mode::kTrain fused forward, backward_max_pooled_2x2 takes the gradient of the
  // pooled output in place of the pool's and the layer's backward, with the same results bit for
  // bit (dL/dx returned, parameter gradients added); backward itself is then an error.
  virtual const Tensor* forward_max_pooled_2x2(const Tensor& /*x*/, Mode /*mode*/) { return nullptr; }
  // Whether forward_max_pooled_2x2 runs (never returns nullptr) for this layer as set up: the Net
  // asks once, at setup, to plan which pairs it fuses.
  virtual bool can_fuse_max_pool_2x2() const { return false; }
  virtual const Tensor& backward_max_pooled_2x2(const Tensor& dpooled);
  // Whether this layer is such a pool.
  virtual bool is_max_pool_2x2() const { return false; }

  // The first layer's dL/dx feeds nothing during training; turning it off saves its cost, and
  // backward's return value is then unspecified.
  void set_input_gradient(bool needed) { input_gradient_ = needed; }
  // Makes the next backward write dL/dx into `buffer` (null: the layer's own buffer again). The
  // lender keeps it alive while the gradient is read, and never lends the dy of that backward.
  void lend_input_gradient_buffer(Tensor* buffer) { lent_input_gradient_ = buffer; }
  // Whether backward reads the forward's input x (the Net then keeps x's memory to itself).
  virtual bool backward_reads_input() const { return true; }
  // Whether forward writes its output into output_buffer() and nothing of the layer reads that
  // output after the forward: then the Net may lend it a buffer that is reused once the
  // consumers' forwards have run (lend_output_buffer; null: the layer's own buffer again).
  virtual bool output_can_be_lent() const { return false; }
  void lend_output_buffer(Tensor* buffer) { lent_output_ = buffer; }

 protected:
  // Where backward puts dL/dx (single-input layers; a MultiInputLayer keeps its own).
  Tensor& input_gradient_buffer() { return lent_input_gradient_ != nullptr ? *lent_input_gradient_ : own_input_gradient_; }
  // Where forward puts its output, for the layers whose output_can_be_lent().
  Tensor& output_buffer() { return lent_output_ != nullptr ? *lent_output_ : own_output_; }

  bool input_gradient_ = true;

 private:
  Tensor* lent_input_gradient_ = nullptr;
  Tensor own_input_gradient_;
  Tensor* lent_output_ = nullptr;
  Tensor own_output_;
};

}  // namespace cnn
