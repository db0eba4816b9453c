// MultiInputLayer: a layer that reads the outputs of several earlier layers (add, concat). The Net
// calls these three in place of setup/forward/backward; the single-input forms are errors.
//
//   setup_inputs(in)      per-sample input shapes, in the order of the layer's inputs -> output shape
//   forward_inputs(x)     x[k] is (N, in[k]...) and must stay alive until backward; returns y
//   backward_inputs(dy)   returns dL/dx[k] for every input k. A returned tensor may be dy itself
//                         (add passes its gradient through unchanged); the Net never writes into
//                         a gradient it was given, it sums several consumers' gradients in its own
//                         buffers. These layers have no parameters.
#pragma once

#include <vector>

#include "core/error.hpp"
#include "layers/layer.hpp"

namespace cnn {

class MultiInputLayer : public Layer {
 public:
  virtual Shape setup_inputs(const std::vector<Shape>& in) = 0;
  virtual const Tensor& forward_inputs(const std::vector<const Tensor*>& x, Mode mode) = 0;
  virtual const std::vector<const Tensor*>& backward_inputs(const Tensor& dy) = 0;

  Shape setup(const Shape& in) override { return setup_inputs({in}); }
  const Tensor& forward(const Tensor& /*x*/, Mode /*mode*/) override {
    CNN_FAIL(ExitCode::kInternal, "{}: reads several inputs; the Net calls forward_inputs", kind());
  }
  const Tensor& backward(const Tensor& /*dy*/) override {
    CNN_FAIL(ExitCode::kInternal, "{}: reads several inputs; the Net calls backward_inputs", kind());
  }
};

}  // namespace cnn
