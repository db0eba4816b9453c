// The internal interface between Conv2d and one way of computing its products (ConvMethod), and
// the one rule that picks the way for a shape. Conv2d owns the parameters, their gradients, the
// input it was given and the output and dx buffers; a method object owns only its own scratch
// buffers, sized at construction for one geometry, and is handed the rest on every call.
//
//   x (N, C, H, W), weight (F, C / G, kh, kw), bias (F), y (N, F, OH, OW), G groups,
//   K = (C / G) kh kw per group, P = OH*OW
//   forward   y = act(W ⋆ x + b)          (filter block g of F / G reads channel block g only)
//   backward  dz = dy * act'(y);  dW += dz ⋆ x;  db += Σ dz;  dx = Wᵀ ⋆ dz  (overwritten)
//
// Each method applies the activation where it is cheapest for it (ReLU in the copy out of a
// product's buffer, or afterwards), with the formulas of ops/activation.hpp, so every method
// gives the activation's exact numbers.
//
// A bias-free layer (ConvProblem::bias false) hands over an empty bias and dbias: a method adds no
// bias and sums no db. Where the bias add is part of a copy a method makes anyway (the stride-1
// methods' copy out of, or 2x2 pool over, the product's buffer), it adds -0.0f instead, the exact
// identity of float addition (x + -0 is x bit for bit, -0 and NaN included), so that pass stays
// one loop and the numbers are those of skipping the add.
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
  ConvGeometry geom;  // channels is all C of them; the dilation is in here
  int filters = 0;
  Activation activation = Activation::kNone;
  int groups = 1;     // divides geom.channels and filters
  bool bias = true;

  int group_filters() const { return filters / groups; }
  int group_rows() const { return geom.col_rows() / groups; }  // K: (C / G) kh kw, a filter's weights
};

class ConvMethodImpl {
 public:
  virtual ~ConvMethodImpl() = default;
  // y (N, F, OH, OW), already sized, = act(W ⋆ x + b) for x (N, C, H, W). In Mode::kTrain the
  // method keeps what its backward needs beside x and y, which the caller keeps alive.
  virtual void forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Mode mode, Tensor& y) = 0;
  // After a Mode::kTrain forward of x that gave y: dweight += dL/dW and dbias += dL/db (bias-free:
  // dbias is empty and left alone) for the upstream gradient dy; with dx not null, dx (N, C, H, W),
  // already sized, = dL/dx.
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
  // After a Mode::kTrain forward_max_pooled_2x2 of x that gave `choice`: what backward does, for
  // the gradient dpooled of the pooled output instead of dy (bit for bit Pool2d's backward, then
  // backward). Elsewhere it throws.
  virtual void backward_max_pooled_2x2(const Tensor& x, const Tensor& dpooled, const std::int32_t* choice, const Tensor& weight,
                                       Tensor& dweight, Tensor& dbias, Tensor* dx);
};

// Whether `method` can run `problem` at all (the stride-1 methods need stride 1, groups 1 and
// buffers of bounded size; the others run any shape, grouped and dilated included).
bool conv_method_applies(ConvMethod method, const ConvProblem& problem);
// The method setup takes when none is forced (the rule and its reasons are in conv_method.cpp).
ConvMethod choose_conv_method(const ConvProblem& problem);
// A method object for `problem`, which `method` must apply to.
std::unique_ptr<ConvMethodImpl> make_conv_method(ConvMethod method, const ConvProblem& problem);

}  // namespace cnn
