// Naive reference implementations, written straight from the definitions with no im2col and no
// BLAS, to hold the fast paths to. Slow on purpose; tests only.
#pragma once

#include "core/tensor.hpp"
#include "layers/conv2d.hpp"
#include "layers/pool2d.hpp"

namespace cnn::reference {

// Direct convolution (cross-correlation) with the padding rule of Conv2d, no activation.
// x (N, C, H, W), w (F, C, kh, kw), b (F) -> y (N, F, OH, OW).
// pad_top/pad_left and out_h/out_w are given explicitly so this stays independent of Conv2d's rule.
Tensor conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& b, int stride_h, int stride_w, int pad_top,
                      int pad_left, int out_h, int out_w);
// Gradients of the same convolution for upstream dy: dx, dw, db.
void conv2d_backward(const Tensor& x, const Tensor& w, const Tensor& dy, int stride_h, int stride_w, int pad_top,
                     int pad_left, Tensor& dx, Tensor& dw, Tensor& db);

// The general convolution, PyTorch's Conv2d: groups (filter block g of F / groups reads channel
// block g of C / groups only; w is (F, C / groups, kh, kw)), dilation (tap (i, j) reads
// x[oh sh - pad_top + i dh][ow sw - pad_left + j dw]) and an optional bias (b empty: none), no
// activation. Sums in double.
struct ConvShape {
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0;
  int out_h = 0, out_w = 0;
  int dilation_h = 1, dilation_w = 1;
  int groups = 1;
};
Tensor general_conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& b, const ConvShape& s);
// Its gradients for upstream dy: dx (N, C, H, W), dw (F, C / groups, kh, kw), db (F).
void general_conv2d_backward(const Tensor& x, const Tensor& w, const Tensor& dy, const ConvShape& s, Tensor& dx, Tensor& dw,
                             Tensor& db);

// Pooling by definition, valid padding.
Tensor pool2d_forward(const Tensor& x, PoolType type, int kh, int kw, int sh, int sw);

// y = x Wᵀ + b with x read as (N, D).
Tensor dense_forward(const Tensor& x, const Tensor& w, const Tensor& b);

}  // namespace cnn::reference
