// Initializer implementation.
#include "train/initializer.hpp"

#include <cmath>

namespace cnn {

bool parse_init(const std::string& name, Init* out) {
  if (name == "he_normal") *out = Init::kHeNormal;
  else if (name == "glorot_uniform") *out = Init::kGlorotUniform;
  else if (name == "lecun_normal") *out = Init::kLecunNormal;
  else if (name == "zeros") *out = Init::kZeros;
  else return false;
  return true;
}

const char* init_name(Init init) {
  switch (init) {
    case Init::kHeNormal: return "he_normal";
    case Init::kGlorotUniform: return "glorot_uniform";
    case Init::kLecunNormal: return "lecun_normal";
    case Init::kZeros: return "zeros";
  }
  return "he_normal";
}

void initialize(const std::vector<Param>& params, Init init, Rng& rng) {
  for (const Param& p : params) {
    Tensor& w = *p.value;
    if (p.is_bias || init == Init::kZeros) {
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
