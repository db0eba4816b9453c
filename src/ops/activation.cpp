// Activation kernels; see activation.hpp for the formulas.
#include "ops/activation.hpp"

#include <cmath>

namespace cnn {

void activation_forward(Activation act, float* y, std::size_t n) {
  switch (act) {
    case Activation::kNone:
      return;
    case Activation::kRelu:
      for (std::size_t i = 0; i < n; ++i) y[i] = relu_of(y[i]);
      return;
    case Activation::kTanh:
      for (std::size_t i = 0; i < n; ++i) y[i] = std::tanh(y[i]);
      return;
    case Activation::kSigmoid:
      // Split by sign so exp never overflows.
      for (std::size_t i = 0; i < n; ++i) {
        const float x = y[i];
        if (x >= 0.0f) {
          y[i] = 1.0f / (1.0f + std::exp(-x));
        } else {
          const float e = std::exp(x);
          y[i] = e / (1.0f + e);
        }
      }
      return;
    case Activation::kScaledTanh:
      for (std::size_t i = 0; i < n; ++i) y[i] = kScaledTanhA * std::tanh(kScaledTanhB * y[i]);
      return;
  }
}

void activation_backward(Activation act, const float* y, const float* dy, float* dz, std::size_t n) {
  switch (act) {
    case Activation::kNone:
      for (std::size_t i = 0; i < n; ++i) dz[i] = dy[i];
      return;
    case Activation::kRelu:
      for (std::size_t i = 0; i < n; ++i) dz[i] = y[i] > 0.0f ? dy[i] : 0.0f;
      return;
    case Activation::kTanh:
      for (std::size_t i = 0; i < n; ++i) dz[i] = dy[i] * (1.0f - y[i] * y[i]);
      return;
    case Activation::kSigmoid:
      for (std::size_t i = 0; i < n; ++i) dz[i] = dy[i] * y[i] * (1.0f - y[i]);
      return;
    case Activation::kScaledTanh: {
      constexpr float kInvA = 1.0f / kScaledTanhA;
      for (std::size_t i = 0; i < n; ++i) {
        const float t = y[i] * kInvA;
        dz[i] = dy[i] * kScaledTanhA * kScaledTanhB * (1.0f - t * t);
      }
      return;
    }
  }
}

}  // namespace cnn
