// Net: layers that form a directed acyclic graph in their order (net/layer_graph.hpp): each reads
// the network's input or earlier layers' outputs, and the last layer's output is the logits
// (softmax lives in the loss, runtime/softmax_cross_entropy.hpp, and at inference). A chain is
// the common case, where each layer reads the one before. Shapes are inferred from the input
// shape; parameters are exposed by name ("conv1.weight") for optimizers and model files.
//
// Forward runs the layers in order. Backward runs them in reverse: a layer's gradient is the one
// its single consumer returned, or, when several layers read it, the sum of theirs (summed in
// reverse layer order, so the numbers are reproducible). No consumer writes into a gradient
// another one returned. Gradients live in buffers the Net lends the layers (net/buffer_pool.hpp):
// a buffer is reused as soon as the gradient in it has been read, so a backward pass holds a
// few gradients at a time, not one per layer.
//
// Outputs are shared in the same way where no backward needs them: a layer whose backward never
// reads its output (batch norm, add, silu, gelu), read only by layers whose backward never reads
// their input (relu, add, pooling...), writes into a buffer the Net lends for the forward and
// reuses once its consumers have run.
//
// A conv layer read only by a 2x2, stride-2 max pool runs with the pool in one pass (identical
// numbers, a pass less; Layer::forward_max_pooled_2x2); setup decides which pairs, from the graph
// and the layers' own abilities.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "layers/layer.hpp"
#include "layers/multi_input_layer.hpp"
#include "net/buffer_pool.hpp"
#include "net/layer_graph.hpp"

namespace cnn {

// What Net::setup throws when a layer refuses its input shapes: the message names the layer
// ("layer 3 (conv2): ..."), and `layer` lets a config reader point at the layer's line.
class LayerSetupError : public Error {
 public:
  LayerSetupError(ExitCode code, const std::string& message, std::size_t layer) : Error(code, message), layer_(layer) {}
  std::size_t layer() const { return layer_; }

 private:
  std::size_t layer_;
};

// Told where each layer's share of a pass ends: for per-layer timing (scripts/layer_timing.cpp).
class PassObserver {
 public:
  virtual ~PassObserver() = default;
  // A forward (backward false) or a backward pass begins.
  virtual void pass_begins(bool backward) = 0;
  // Layer i's part of the pass has run. A conv that runs the max pool after it (Net::runs_pool_after)
  // reports the pair as itself, in both passes; the pool reports nothing.
  virtual void layer_done(std::size_t i, bool backward) = 0;
};

class Net {
 public:
  // Appends a layer that reads the layer before (or the network's input, for the first), named
  // after its kind and its rank among layers of that kind ("conv2").
  void add(std::unique_ptr<Layer> layer);
  // Appends a layer with its name and its inputs: indices of earlier layers, or kNetworkInput
  // (net/layer_graph.hpp). A MultiInputLayer takes two or more, any other layer one.
  void add(std::unique_ptr<Layer> layer, std::string name, std::vector<int> inputs);
  // Sets every layer up for a per-sample input shape, e.g. (1, 28, 28); returns the output shape.
  Shape setup(const Shape& input);

  const Tensor& forward(const Tensor& x, Mode mode) { return run_forward(x, mode, /*fuse=*/true); }
  // An inference forward in which every layer writes its own output (no conv runs the pool after
  // it), so that layer_output(i) holds every layer's output: for pictures of the feature maps.
  const Tensor& forward_every_layer(const Tensor& x) { return run_forward(x, Mode::kInfer, /*fuse=*/false); }
  // An inference forward (running statistics, no dropout) after which backward may run, with every
  // layer's output kept as in forward_every_layer: for the gradients of a class score with respect
  // to the input and the activations (runtime/class_evidence.hpp).
  const Tensor& forward_for_gradients(const Tensor& x) { return run_forward(x, Mode::kInferWithGradient, /*fuse=*/false); }
  // Makes each backward keep a copy of dL/d(output of layer i), read with tapped_gradient();
  // -1: none. The copy is taken once every consumer's gradient has arrived; the forward before
  // must be unfused (forward_for_gradients), where a conv's own output exists.
  void tap_output_gradient(int layer);
  const Tensor& tapped_gradient() const { return tapped_gradient_; }
  // Backpropagates dL/dlogits; adds into parameter gradients and returns dL/dx of the input
  // (valid until the next backward, forwards in between included).
  const Tensor& backward(const Tensor& dlogits);
  void zero_grad();
  // Whether backward computes dL/dx of the network's input (gradient checks need it; training
  // does not).
  void set_input_gradient(bool needed);
  bool input_gradient_needed() const { return input_gradient_needed_; }

  const std::vector<Param>& params() const { return params_; }
  // Every layer's non-trainable state ("bn1.running_mean"), in layer order.
  const std::vector<Param>& state() const { return state_; }
  // Tells every layer about the training step to come (layers that draw random numbers need it).
  void set_step(const StepContext& step);
  // Gives every layer the reducer that combines whole-batch sums across replicas (null: none).
  void set_batch_reducer(BatchReducer* reducer);
  std::size_t parameter_count() const;
  std::size_t layer_count() const { return nodes_.size(); }
  Layer& layer(std::size_t i) { return *nodes_[i].layer; }
  const Layer& layer(std::size_t i) const { return *nodes_[i].layer; }
  const std::string& layer_name(std::size_t i) const { return nodes_[i].name; }
  // Layer i's inputs: indices of earlier layers, or kNetworkInput.
  const std::vector<int>& layer_inputs(std::size_t i) const { return nodes_[i].inputs; }
  // Per-sample output shape of layer i (valid after setup).
  const Shape& layer_output_shape(std::size_t i) const { return nodes_[i].shape; }
  // The output of layer i in the last forward (valid until the next forward). nullptr where the
  // layer's output went into a buffer the Net reused within the forward (a batch norm or add
  // whose output no backward reads: see the top), and after a fused conv + pool for the conv
  // (the pool has the fused pass's output). forward_every_layer keeps every output.
  const Tensor* layer_output(std::size_t i) const { return outputs_[i]; }
  const Shape& input_shape() const { return input_shape_; }
  const Shape& output_shape() const { return output_shape_; }
  // Whether layer i is a conv that computes the 2x2 max pool after it in the same pass (setup).
  bool runs_pool_after(std::size_t i) const { return nodes_[i].runs_pool_after; }
  // Reports each layer's end of every pass to `observer` (null: none).
  void set_pass_observer(PassObserver* observer) { observer_ = observer; }
  // Whether every layer reads the one before it.
  bool is_chain() const;
  // A table of layers, their inputs (when the network is not a chain), output shapes and
  // parameter counts, one layer per line.
  std::string summary() const;
  // How many shared buffers the passes have needed (net/buffer_pool.hpp): for memory tests.
  std::size_t shared_buffer_count() const { return buffers_.buffer_count(); }

 private:
  struct Node {
    std::unique_ptr<Layer> layer;
    MultiInputLayer* multi = nullptr;  // the same layer, when it reads several inputs
    std::string name;
    std::vector<int> inputs;
    int consumers = 0;                 // layers that read this one's output (set by setup)
    Shape shape;                       // per-sample output shape
    bool runs_pool_after = false;      // a conv that computes the max pool after it too (setup)
    bool runs_in_layer_before = false;  // that pool
    bool output_lent = false;          // forward writes into a lent buffer, free once its consumers ran (setup)
  };
  const Tensor& run_forward(const Tensor& x, Mode mode, bool fuse);
  // The gradient for `producer` (or the network's input) from one consumer.
  void receive_gradient(int producer, const Tensor* grad);

  std::vector<Node> nodes_;
  std::vector<const Tensor*> outputs_;        // per layer, the last forward's output
  std::vector<const Tensor*> inputs_buffer_;  // the inputs of one multi-input layer, reused
  std::vector<const Tensor*> grads_;          // per layer, dL/d(output) in the running backward
  std::vector<int> grads_received_;           // per layer, consumers whose gradient arrived
  bool last_forward_fused_ = false;           // backward must take the fused pairs' route
  std::vector<Tensor*> grad_sums_;            // per layer with several consumers: their sum (a lent buffer)
  BufferPool buffers_;  // forward: outputs that no backward reads; backward: the dL/d(output)s
  bool input_gradient_needed_ = true;
  PassObserver* observer_ = nullptr;
  int tapped_layer_ = -1;
  Tensor tapped_gradient_;
  const Tensor* input_grad_ = nullptr;
  int input_consumers_ = 0;
  int input_grads_received_ = 0;
  Tensor input_grad_sum_;
  std::vector<Param> params_;  // full names, in layer order
  std::vector<Param> state_;   // full names, in layer order
  Shape input_shape_, output_shape_;
};

}  // namespace cnn
