// first_max_index; see first_max.hpp.
#include "ops/first_max.hpp"

#include <limits>

#include "ops/vec.hpp"

namespace cnn {

std::size_t first_max_index(const float* x, std::size_t n) {
  constexpr float kLowest = -std::numeric_limits<float>::infinity();
  Vec m = splat(kLowest);
  VecInt nan{};
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const Vec v = load(x + i);
    m = v > m ? v : m;
    nan |= v != v;
  }
  float best = kLowest;
  bool any_nan = false;
  for (int l = 0; l < kLanes; ++l) {
    best = m[l] > best ? m[l] : best;
    any_nan = any_nan || nan[l] != 0;
  }
  for (; i < n; ++i) {
    best = x[i] > best ? x[i] : best;
    any_nan = any_nan || x[i] != x[i];
  }
  if (any_nan) {
    for (std::size_t j = 0; j < n; ++j)
      if (x[j] != x[j]) return j;
  }
  for (std::size_t j = 0; j < n; ++j)
    if (x[j] == best) return j;
  return 0;  // not reached: the maximum of n >= 1 non-NaN values is one of them
}

}  // namespace cnn
