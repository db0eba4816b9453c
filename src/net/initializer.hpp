// Weight initializers, for parameters whose ParamFill is kInitializer (the others start at their
// constant: biases at zero, a batch norm's scale at one):
//   he_normal       N(0, sqrt(2 / fan_in))
//   lecun_normal    N(0, sqrt(1 / fan_in))
//   glorot_uniform  U(-l, l), l = sqrt(6 / (fan_in + fan_out))
//   zeros           0
// fan_in of a conv is C*kh*kw, its fan_out F*kh*kw; a dense layer's are D and U.
#pragma once

#include <string>
#include <vector>

#include "core/enum_table.hpp"
#include "core/rng.hpp"
#include "layers/layer.hpp"

namespace cnn {

enum class Init { kHeNormal, kGlorotUniform, kLecunNormal, kZeros };

constexpr EnumTable<Init, 4> kInitNames{{{{Init::kHeNormal, "he_normal"},
                                           {Init::kGlorotUniform, "glorot_uniform"},
                                           {Init::kLecunNormal, "lecun_normal"},
                                           {Init::kZeros, "zeros"}}}};

// Draws every kInitializer parameter in params order from rng (deterministic for a seed); sets
// the others to their constant.
void initialize(const std::vector<Param>& params, Init init, Rng& rng);

}  // namespace cnn
