// Element-wise activations and their derivatives, shared by the Activation layer and the
// layers that fuse one (conv, dense).
//
//   relu        y = max(0, x)                 dy/dx = 1 if y > 0 else 0
//   tanh        y = tanh(x)                   dy/dx = 1 - y^2
//   sigmoid     y = 1 / (1 + e^-x)            dy/dx = y (1 - y)
//   scaled_tanh y = A tanh(B x), A = 1.7159, B = 2/3 (LeCun 1998)   dy/dx = A B (1 - (y/A)^2)
//
// Every derivative is written in terms of the output y, so backward needs only the saved output.
#pragma once

#include <cstddef>

#include "ops/activation_kind.hpp"
#include "ops/vec.hpp"

namespace cnn {

constexpr float kScaledTanhA = 1.7159f;
constexpr float kScaledTanhB = 2.0f / 3.0f;

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
// dz[i] = dy[i] * f'(x[i]), computed from the saved outputs y.
void activation_backward(Activation act, const float* y, const float* dy, float* dz, std::size_t n);

}  // namespace cnn
