// Gradient clipping; see gradient_clipping.hpp.
#include "train/gradient_clipping.hpp"

#include <algorithm>
#include <cmath>

#include "core/worker_team.hpp"

namespace cnn {

double gradient_norm(const std::vector<Param>& params) {
  double sum = 0.0;
  for (const Param& p : params)
    for (std::size_t i = 0; i < p.grad->size(); ++i) sum += static_cast<double>((*p.grad)[i]) * (*p.grad)[i];
  return std::sqrt(sum);
}

float clip_factor(double norm, float max_norm) {
  return static_cast<float>(std::min(1.0, static_cast<double>(max_norm) / (norm + 1e-6)));
}

void scale_gradients(const std::vector<Param>& params, float factor, int part, int parts) {
  for (const Param& p : params) {
    const auto [first, last] = slice_of(static_cast<int>(p.grad->size()), parts, part);
    float* g = p.grad->data();
    for (int j = first; j < last; ++j) g[j] *= factor;
  }
}

}  // namespace cnn
