// Dropout: inverted dropout. In training each element is dropped with probability `rate` and the
// kept ones are scaled by 1 / (1 - rate), so inference is the identity (Keras's and PyTorch's rule).
//
//   training   y = x * mask,  mask = 0 (probability rate) or 1 / (1 - rate);  dx = dy * mask
//   inference  y = x
//
// The mask of a sample is drawn from its own stream, keyed by (the run's seed, the global step,
// the layer's position in the network, the sample's global index in the batch): set_step
// (layers/layer.hpp) gives all but the last, and the forward's first sample index. So a sample
// gets the same mask whichever thread handles it and however the batch is split, and a resumed
// run redraws exactly the masks of the run it continues. Each 64-bit draw covers two elements
// (32 bits each, compared with rate * 2^32).
// A training forward without set_step uses step 0 (a fixed mask: what the gradient check needs).
#pragma once

#include <cstdint>

#include "layers/layer.hpp"
#include "layers/layer_kind.hpp"

namespace cnn {

struct DropoutConfig {
  double rate = 0.5;
};

class Dropout : public Layer {
 public:
  explicit Dropout(const DropoutConfig& config);
  std::string kind() const override { return "dropout"; }
  std::string describe() const override;
  Shape setup(const Shape& in) override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  bool backward_reads_input() const override { return false; }
  void set_step(const StepContext& step) override { step_ = step; }

 private:
  void draw_mask(int n);  // fills mask_ for n samples from step_

  DropoutConfig config_;
  StepContext step_;
  std::uint64_t threshold_ = 0;  // a 32-bit draw below it drops the element
  float keep_scale_ = 1.0f;      // 1 / (1 - rate)
  Shape in_shape_;               // per sample
  Tensor mask_;                  // (N, in...): 0 or keep_scale_
  Tensor y_;                // (N, in...)
  bool backward_ready_ = false;
  bool identity_ = false;   // the last forward was inference's (Mode::kInferWithGradient): dx = dy
};

// "dropout": {rate: 0.5} (rate in [0, 1), default 0.5).
const LayerKind& dropout_layer_kind();

}  // namespace cnn
