// Dense (fully connected): y = x Wᵀ + b, then an optional fused activation.
//
//   x (N, D) [any (N, ...) input is read as (N, D), D = product of the rest]
//   weight (U, D) [PyTorch layout], bias (U), y (N, U)
//   forward   y(N x U) = x(N x D) Wᵀ(D x U) + b
//   backward  dz = dy * act'(y); dW(U x D) += dzᵀ x; db += Σ_N dz; dx(N x D) = dz W
//
// silu and gelu, whose derivatives need their input (ops/activation_kind.hpp), take
// dz = dy * act'(z) from the pre-activation z = x Wᵀ + b, which a training forward keeps in z_
// (only for them; inference and the other activations write y alone).
//
// The products run on cnn's own kernels (ops/small_gemm.hpp), not OpenBLAS: at a thread's slice of
// a batch (16 rows) OpenBLAS spends much of its time packing, and its speed would rest on the core
// it guessed (ops/blas_core.hpp).
#pragma once

#include "layers/layer.hpp"
#include "layers/layer_kind.hpp"
#include "ops/activation_kind.hpp"

namespace cnn {

struct DenseConfig {
  int units = 1;
  Activation activation = Activation::kNone;
};

class Dense : public Layer {
 public:
  explicit Dense(const DenseConfig& config);
  std::string kind() const override { return "dense"; }
  std::string describe() const override;
  Shape setup(const Shape& in) override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  std::vector<Param> params() override;
  std::uint64_t macs_per_sample() const override;  // U D

 private:
  DenseConfig config_;
  Shape in_shape_;           // per-sample input shape, restored on dx
  int in_features_ = 0;      // D
  const Tensor* x_ = nullptr;  // the last forward's input, read by backward
  Tensor weight_;   // (U, D)
  Tensor bias_;     // (U)
  Tensor dweight_;  // (U, D)
  Tensor dbias_;    // (U)
  Tensor y_;        // (N, U)
  Tensor z_;        // (N, U): the pre-activation, kept by a training forward for silu and gelu only
  bool pre_activation_ready_ = false;  // z_ holds the last forward's (silu, gelu)
  Tensor dz_;       // (N, U)
  Tensor dz_t_;     // (U, N): dz transposed, the left operand of dW += dzᵀ x
};

// "dense": {units, activation: none} (dense_kind.cpp).
const LayerKind& dense_layer_kind();

}  // namespace cnn
