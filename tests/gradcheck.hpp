// Central-difference gradient checking for layers and whole networks (docs/conventions.md, "Tests").
//
// The scalar is f = Σ y · r for a fixed random r, summed in double, so df/dy = r and the
// layer's backward(r) must equal the numeric derivative (f(x + e) - f(x - e)) / 2e for every
// input and every parameter element. Pass if |a - n| <= 1e-3 + 1e-2 max(|a|, |n|).
// Output and dx buffers are poisoned with NaN between calls, so an element a layer forgets to
// write shows up as NaN instead of a stale value. Parameter gradients must be added to, not
// overwritten: they start from random values G, the analytic gradient is (after - G), and a second
// backward must leave G + 2 x that.
#pragma once

#include <cstdint>
#include <ostream>

#include "core/rng.hpp"
#include "core/tensor.hpp"
#include "io/image_set.hpp"
#include "layers/layer.hpp"
#include "net/net.hpp"

namespace cnn {
// Lets Catch2 print shapes in failed comparisons.
inline std::ostream& operator<<(std::ostream& os, const Shape& s) { return os << s.str(); }
}  // namespace cnn

namespace cnn::test {

Tensor random_tensor(const Shape& shape, Rng& rng, float lo = -1.0f, float hi = 1.0f);

// Fills t with a shuffled ladder of values spaced `gap` apart around 0, so no two are within
// 2 * eps of each other: max pooling has no ties to flip under perturbation.
void fill_distinct(Tensor& t, Rng& rng, float gap = 0.01f);

bool gradient_close(double analytic, double numeric);

// Exhaustive check of dL/dx and every parameter gradient of an already set-up layer at x.
// Randomises the layer's parameters from rng first. Uses Catch2 assertions.
void check_layer_gradients(Layer& layer, const Tensor& x, Rng& rng, double eps = 1e-3);

// Checks a network plus softmax cross-entropy at (x, labels): every input element and up to
// `samples_per_param` elements of each parameter tensor, skipping points within reach of a
// ReLU/max-pool kink (see gradcheck.cpp); at most a quarter may be skipped.
void check_net_gradients(Net& net, const Tensor& x, const Label* labels, Rng& rng, int samples_per_param,
                         double eps = 1e-3);

}  // namespace cnn::test
