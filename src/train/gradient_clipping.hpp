// Gradient clipping by the global norm (PyTorch's torch.nn.utils.clip_grad_norm_): with
// n = sqrt(Σ g²) over every element of every parameter's gradient, each gradient is multiplied by
// min(1, max_norm / (n + 1e-6)). The sum runs in double, over the parameters in their order and
// the elements in theirs, so it does not depend on the thread count.
#pragma once

#include <vector>

#include "layers/layer.hpp"

namespace cnn {

// The gradients' global norm before clipping.
double gradient_norm(const std::vector<Param>& params);
// The factor clipping multiplies the gradients by: min(1, max_norm / (norm + 1e-6)).
float clip_factor(double norm, float max_norm);
// Multiplies elements [first, last) of every gradient by `factor`, where the caller splits the
// elements between threads as the optimizer does (slice_of; part of parts).
void scale_gradients(const std::vector<Param>& params, float factor, int part, int parts);

}  // namespace cnn
