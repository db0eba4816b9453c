// Activation kernels; see activation.hpp for the formulas.
#include "ops/activation.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "ops/vec_exp.hpp"

namespace cnn {
namespace {

// Applies the lane function f to n floats of x, into y: whole vectors, then the last n % kLanes
// through one vector padded with zeros, so that every element goes through the same lane
// arithmetic wherever it sits: its bits do not depend on how a batch is split between threads,
// nor on the vector width. x may be y.
template <typename F>
void map_lanes(const float* x, float* y, std::size_t n, F f) {
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) store(y + i, f(load(x + i)));
  if (i < n) {
    float in[kLanes] = {}, out[kLanes];
    std::copy(x + i, x + n, in);
    store(out, f(load(in)));
    std::copy(out, out + (n - i), y + i);
  }
}

// dz[i] = f(x, dy) lane by lane, the tail as in map_lanes.
template <typename F>
void map_lanes(const float* x, const float* dy, float* dz, std::size_t n, F f) {
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) store(dz + i, f(load(x + i), load(dy + i)));
  if (i < n) {
    float in[kLanes] = {}, grad[kLanes] = {}, out[kLanes];
    std::copy(x + i, x + n, in);
    std::copy(dy + i, dy + n, grad);
    store(out, f(load(in), load(grad)));
    std::copy(out, out + (n - i), dz + i);
  }
}

// -|x| (a NaN stays NaN, -0 stays -0).
inline Vec minus_abs(Vec x) { return x > Vec{} ? -x : x; }

// sigmoid(x) = 1 / (1 + e^-x), split by sign so that e = e^-|x| never overflows.
inline Vec sigmoid_lanes(Vec x) {
  const Vec e = exp_nonpositive(minus_abs(x));
  return (x >= Vec{} ? splat(1.0f) : e) / (1.0f + e);
}

// erf(x / √2) lane by lane: glibc's erff (scalar), the division in the vector.
inline Vec erf_of_scaled_lanes(Vec x) {
  const Vec scaled = x / kSqrt2;
  Vec e;
  for (int l = 0; l < kLanes; ++l) e[l] = std::erf(scaled[l]);
  return e;
}

// tanh(u), u = β (x + κ x (x x)): (1 - e) / (1 + e) with e = e^(-2|u|) <= 1 and u's sign, exact
// to a float rounding in absolute terms (what 1 + tanh(u) needs); an infinite u gives ±1.
inline Vec gelu_tanh_t_lanes(Vec x) {
  const Vec u = kGeluTanhBeta * (x + kGeluTanhKappa * (x * (x * x)));
  const Vec e = exp_nonpositive(2.0f * minus_abs(u));
  const Vec t = (1.0f - e) / (1.0f + e);
  return u < Vec{} ? -t : t;
}

void silu_forward(const float* x, float* y, std::size_t n) {
  map_lanes(x, y, n, [](Vec v) { return v * sigmoid_lanes(v); });
}

// The gelus are (x / 2) (1 + ...): x / 2 is exact, so this is one rounding fewer than
// x (1 + ...) / 2, and it cannot overflow where x (1 + ...) would (|x| near FLT_MAX).
void gelu_forward(const float* x, float* y, std::size_t n) {
  map_lanes(x, y, n, [](Vec v) { return 0.5f * v * (1.0f + erf_of_scaled_lanes(v)); });
}

void gelu_tanh_forward(const float* x, float* y, std::size_t n) {
  map_lanes(x, y, n, [](Vec v) { return 0.5f * v * (1.0f + gelu_tanh_t_lanes(v)); });
}

}  // namespace

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
    case Activation::kSilu:
      silu_forward(y, y, n);
      return;
    case Activation::kGelu:
      gelu_forward(y, y, n);
      return;
    case Activation::kGeluTanh:
      gelu_tanh_forward(y, y, n);
      return;
  }
}

void activation_forward(Activation act, const float* x, float* y, std::size_t n) {
  switch (act) {
    case Activation::kSilu:
      silu_forward(x, y, n);
      return;
    case Activation::kGelu:
      gelu_forward(x, y, n);
      return;
    case Activation::kGeluTanh:
      gelu_tanh_forward(x, y, n);
      return;
    case Activation::kNone:
    case Activation::kRelu:
    case Activation::kTanh:
    case Activation::kSigmoid:
    case Activation::kScaledTanh:
      if (x != y) std::copy(x, x + n, y);
      activation_forward(act, y, n);
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
    case Activation::kSilu:
    case Activation::kGelu:
    case Activation::kGeluTanh:
      break;
  }
  CNN_FAIL(ExitCode::kInternal, "activation_backward: {}'s derivative needs its input (activation_backward_from_input)",
           activation_name(act));
}

void activation_backward_from_input(Activation act, const float* x, const float* dy, float* dz, std::size_t n) {
  switch (act) {
    case Activation::kSilu:
      map_lanes(x, dy, dz, n, [](Vec v, Vec g) {
        const Vec s = sigmoid_lanes(v);
        return g * (s * (1.0f + v * (1.0f - s)));
      });
      return;
    case Activation::kGelu:
      map_lanes(x, dy, dz, n, [](Vec v, Vec g) {
        // e^(-x²/2) is 0 from |x| of about 13, and x² overflows only at 2e19: x φ(x) stays 0 there.
        const Vec pdf = exp_nonpositive(-0.5f * (v * v)) * kInvSqrt2Pi;
        return g * (0.5f * (1.0f + erf_of_scaled_lanes(v)) + v * pdf);
      });
      return;
    case Activation::kGeluTanh:
      map_lanes(x, dy, dz, n, [](Vec v, Vec g) {
        const Vec t = gelu_tanh_t_lanes(v);
        const Vec sech2 = 1.0f - t * t;
        // Where t is ±1 the second term is 0: written so, not as 0 times an x² that may be inf.
        const Vec second = 0.5f * v * sech2 * kGeluTanhBeta * (1.0f + 3.0f * kGeluTanhKappa * (v * v));
        return g * (0.5f * (1.0f + t) + (sech2 == Vec{} ? Vec{} : second));
      });
      return;
    case Activation::kNone:
    case Activation::kRelu:
    case Activation::kTanh:
    case Activation::kSigmoid:
    case Activation::kScaledTanh:
      break;
  }
  CNN_FAIL(ExitCode::kInternal, "activation_backward_from_input: {} is computed from its output (activation_backward)",
           activation_name(act));
}

}  // namespace cnn
