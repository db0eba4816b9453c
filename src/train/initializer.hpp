// Weight initializers (biases start at zero):
//   he_normal       N(0, sqrt(2 / fan_in))
//   lecun_normal    N(0, sqrt(1 / fan_in))
//   glorot_uniform  U(-l, l), l = sqrt(6 / (fan_in + fan_out))
//   zeros           0
// fan_in of a conv is C*kh*kw, its fan_out F*kh*kw; a dense layer's are D and U.
#pragma once

#include <string>
#include <vector>

#include "core/rng.hpp"
#include "layers/layer.hpp"

namespace cnn {

enum class Init { kHeNormal, kGlorotUniform, kLecunNormal, kZeros };

bool parse_init(const std::string& name, Init* out);
const char* init_name(Init init);

// Draws every weight in params order from rng (deterministic for a seed); zeroes biases.
void initialize(const std::vector<Param>& params, Init init, Rng& rng);

}  // namespace cnn
