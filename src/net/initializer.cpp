// Initializer implementation.
#include "net/initializer.hpp"

#include <cmath>

namespace cnn {

void initialize(const std::vector<Param>& params, Init init, Rng& rng) {
  for (const Param& p : params) {
    Tensor& w = *p.value;
    if (p.fill == ParamFill::kOnes) {
      w.fill(1.0f);
      continue;
    }
    if (p.fill == ParamFill::kZeros || init == Init::kZeros) {
      w.fill(0.0f);
      continue;
    }
    switch (init) {
      case Init::kHeNormal: {
        const float std = std::sqrt(2.0f / static_cast<float>(p.fan_in));
        for (std::size_t i = 0; i < w.size(); ++i) w[i] = std * rng.normal();
        break;
      }
      case Init::kLecunNormal: {
        const float std = std::sqrt(1.0f / static_cast<float>(p.fan_in));
        for (std::size_t i = 0; i < w.size(); ++i) w[i] = std * rng.normal();
        break;
      }
      case Init::kGlorotUniform: {
        const float limit = std::sqrt(6.0f / static_cast<float>(p.fan_in + p.fan_out));
        for (std::size_t i = 0; i < w.size(); ++i) w[i] = rng.uniform(-limit, limit);
        break;
      }
      case Init::kZeros:
        break;
    }
  }
}

}  // namespace cnn
