// Element-wise activations and their derivatives, shared by the Activation layer and the
// layers that fuse one (conv, dense).
//
//   relu        y = max(0, x)                 dy/dx = 1 if y > 0 else 0
//   tanh        y = tanh(x)                   dy/dx = 1 - y^2
//   sigmoid     y = 1 / (1 + e^-x)            dy/dx = y (1 - y)
//   scaled_tanh y = A tanh(B x), A = 1.7159, B = 2/3 (LeCun 1998)   dy/dx = A B (1 - (y/A)^2)
//
// These derivatives are written in terms of the output y, so backward needs only the saved
// output (activation_backward). Those of the next three need the input x
// (activation_needs_input, activation_backward_from_input):
//
//   silu        y = x s, s = sigmoid(x)        dy/dx = s (1 + x (1 - s))
//   gelu        y = x Φ(x) = x/2 (1 + erf(x / √2))   (PyTorch's GELU, its exact form)
//                                              dy/dx = Φ(x) + x φ(x), φ(x) = e^(-x²/2) / √(2π)
//   gelu_tanh   y = x/2 (1 + tanh(u)), u = β (x + κ x³), β = √(2/π), κ = 0.044715
//               (PyTorch's GELU(approximate='tanh'))
//                                              dy/dx = (1 + t)/2 + x/2 (1 - t²) β (1 + 3κ x²), t = tanh(u)
//
// The three are computed in the order of the operations their ONNX form writes
// (onnx/onnx_layers.cpp): x / √2 is a division, x³ is x (x x). Every finite x gives a finite y and
// a finite derivative: where tanh(u) is ±1 in float (|x| above about 5.4) the tanh form's second
// term is 0 without forming x² (which overflows from |x| = 2e19 and would make 0 · inf). A NaN
// gives NaN; infinities are not promised anything.
//
// These three run on whole vectors (ops/vec.hpp), the last partial one padded, so an element's
// bits do not depend on where it sits in the buffer (the threads' batch slices): e^x by
// exp_nonpositive (ops/vec_exp.hpp) on e^-|x| and e^(-x²/2), tanh(u) as (1 - e) / (1 + e) with
// e = e^(-2|u|), and erf by glibc's erff lane by lane (GCC calls vector libm functions only under
// -ffast-math, which cnn never uses). The older activations keep their scalar loops and bits.
#pragma once

#include <cstddef>

#include "ops/activation_kind.hpp"
#include "ops/vec.hpp"

namespace cnn {

constexpr float kScaledTanhA = 1.7159f;
constexpr float kScaledTanhB = 2.0f / 3.0f;
// GELU's constants, as float32 (the values the ONNX export writes).
constexpr float kSqrt2 = 1.41421356237309504880f;          // gelu: x / √2
constexpr float kInvSqrt2Pi = 0.39894228040143267794f;     // gelu's φ: 1 / √(2π)
constexpr float kGeluTanhBeta = 0.79788456080286535588f;   // gelu_tanh's β: √(2/π)
constexpr float kGeluTanhKappa = 0.044715f;                // gelu_tanh's κ

// ReLU of one value, exactly as activation_forward computes it, for kernels that fuse it.
inline float relu_of(float x) { return x > 0.0f ? x : 0.0f; }

// dz[i] = y[i] > 0 ? dy[i] : 0 (ReLU's backward, as activation_backward computes it) for one
// short row of a feature map (10-30 floats): whole vectors, the last one overlapping the one
// before, where the compiler's loop ends in masked loads and a scalar tail. dz must not overlap
// y or dy.
inline void relu_backward_row(const float* y, const float* dy, int n, float* dz) {
  const auto masked = [&](int i) {
    const VecInt positive = load(y + i) > Vec{};
    store(dz + i, reinterpret_cast<Vec>(reinterpret_cast<VecInt>(load(dy + i)) & positive));
  };
  if (n < kLanes) {
    for (int i = 0; i < n; ++i) dz[i] = y[i] > 0.0f ? dy[i] : 0.0f;
    return;
  }
  for (int i = 0; i + kLanes <= n; i += kLanes) masked(i);
  if (n % kLanes != 0) masked(n - kLanes);
}

// y[i] = f(y[i]) in place.
void activation_forward(Activation act, float* y, std::size_t n);
// y[i] = f(x[i]); x may be y (then it is the in-place form above, bit for bit).
void activation_forward(Activation act, const float* x, float* y, std::size_t n);
// dz[i] = dy[i] * f'(x[i]), computed from the saved outputs y. Not for the activations that need
// their input (activation_needs_input): an internal error.
void activation_backward(Activation act, const float* y, const float* dy, float* dz, std::size_t n);
// dz[i] = dy[i] * f'(x[i]), computed from the inputs x, for the activations that need them
// (activation_needs_input); an internal error for the others.
void activation_backward_from_input(Activation act, const float* x, const float* dy, float* dz, std::size_t n);

}  // namespace cnn
