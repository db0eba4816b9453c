// ConvMethod::kNaive: the convolution straight from its definition in plain loops, with no
// im2col, no padded copy and no BLAS: the reference the fast methods are held to, and a fallback
// that runs any shape. Slow on purpose; the rule never picks it (tests and callers force it).
//
//   y[n][o][oh][ow] = act(b[o] + Σ_{c,i,j} x[n][cg(o) + c][ih][iw] w[o][c][i][j])
//   dz = dy * act'(y);  db[o] += Σ_{n,oh,ow} dz[n][o][oh][ow]
//   dw[o][c][i][j] += Σ_{n,oh,ow} dz[n][o][oh][ow] x[n][cg(o) + c][ih][iw]
//   dx[n][cg(o) + c][ih][iw] = Σ_{o,oh,ow,i,j} dz[n][o][oh][ow] w[o][c][i][j]
//
// with ih = oh sh - pt + i dh, iw = ow sw - pl + j dw (dilation dh, dw), c over the C / G channels
// of filter o's group and cg(o) = (o / (F / G)) (C / G) its first channel; terms outside the
// image are the zero padding. Without a bias, b is 0 and db is not summed.
#pragma once

#include "layers/conv_methods/conv_method.hpp"

namespace cnn {

class NaiveMethod : public ConvMethodImpl {
 public:
  static bool applies(const ConvProblem& /*p*/) { return true; }
  explicit NaiveMethod(const ConvProblem& p)
      : g_(p.geom), filters_(p.filters), groups_(p.groups), has_bias_(p.bias), activation_(p.activation) {}
  void forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Mode mode, Tensor& y) override;
  void backward(const Tensor& x, const Tensor& y, const Tensor& dy, const Tensor& weight, Tensor& dweight, Tensor& dbias,
                Tensor* dx) override;

 private:
  ConvGeometry g_;
  int filters_ = 0;
  int groups_ = 1;
  bool has_bias_ = true;
  Activation activation_ = Activation::kNone;
  Tensor dz_;  // (N, F, OH, OW): dy through the activation
};

}  // namespace cnn
