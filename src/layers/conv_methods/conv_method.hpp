// The internal interface between Conv2d and one way of computing its products (ConvMethod), and
// the one rule that picks the way for a shape. Conv2d owns the parameters, their gradients, the
// input it was given and the output and dx buffers; a method object owns only its own scratch
// buffers, sized at construction for one geometry, and is handed the rest on every call.
//
//   x (N, C, H, W), weight (F, C, kh, kw), bias (F), y (N, F, OH, OW), K = C*kh*kw, P = OH*OW
//   forward   y = act(W ⋆ x + b)
//   backward  dz = dy * act'(y);  dW += dz ⋆ x;  db += Σ dz;  dx = Wᵀ ⋆ dz  (overwritten)
//
// Each method applies the activation where it is cheapest for it (ReLU in the copy out of a
// product's buffer, or afterwards), with the formulas of ops/activation.hpp, so every method
// gives the activation's exact numbers.
#pragma once

#include <cstdint>
#include <memory>

#include "core/tensor.hpp"
#include "layers/conv2d_config.hpp"
#include "layers/layer.hpp"
#include "ops/im2col.hpp"

namespace cnn {

// What a method is built for, fixed by Conv2d::setup.
struct ConvProblem {
  ConvGeometry geom;
  int filters = 0;
  Activation activation = Activation::kNone;
};

class ConvMethodImpl {
 public:
  virtual ~ConvMethodImpl() = default;
  // y (N, F, OH, OW), already sized, = act(W ⋆ x + b) for x (N, C, H, W). In Mode::kTrain the
  // method keeps what its backward needs beside x and y, which the caller keeps alive.
  virtual void forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Mode mode, Tensor& y) = 0;
  // After a Mode::kTrain forward of x that gave y: dweight += dL/dW and dbias += dL/db for the
  // upstream gradient dy; with dx not null, dx (N, C, H, W), already sized, = dL/dx.
  virtual void backward(const Tensor& x, const Tensor& y, const Tensor& dy, const Tensor& weight, Tensor& dweight,
                        Tensor& dbias, Tensor* dx) = 0;
  // Whether the passes fused with a 2x2 max pool run here, for this activation.
  virtual bool has_max_pooled_2x2() const { return false; }
  // Where has_max_pooled_2x2: pooled (N, F, OH / 2, OW / 2), already sized, = forward's y through
  // a 2x2, stride-2 max pool, bit for bit, in one pass per sample out of the product's own buffer;
  // y itself is not written. In Mode::kTrain `choice` (one int32 per pooled element) receives each
  // window's choice (ops/fused_pool.hpp) and the method keeps what backward_max_pooled_2x2
  // needs, as forward does for backward; in Mode::kInfer choice is null. Elsewhere it throws.
  virtual void forward_max_pooled_2x2(const Tensor& x, const Tensor& weight, const Tensor& bias, Mode mode, Tensor& pooled,
                                      std::int32_t* choice);
  // After a Mode::kTrain forward_max_pooled_2x2 that gave `choice`: what backward does, for the
  // gradient dpooled of the pooled output instead of dy (bit for bit Pool2d's backward, then
  // backward). Elsewhere it throws.
  virtual void backward_max_pooled_2x2(const Tensor& dpooled, const std::int32_t* choice, const Tensor& weight,
                                       Tensor& dweight, Tensor& dbias, Tensor* dx);
};

// Whether `method` can run `problem` at all (the stride-1 methods need stride 1 and buffers of
// bounded size; the others run any shape).
bool conv_method_applies(ConvMethod method, const ConvProblem& problem);
// The method setup takes when none is forced (the rule and its reasons are in conv_method.cpp).
ConvMethod choose_conv_method(const ConvProblem& problem);
// A method object for `problem`, which `method` must apply to.
std::unique_ptr<ConvMethodImpl> make_conv_method(ConvMethod method, const ConvProblem& problem);

}  // namespace cnn
