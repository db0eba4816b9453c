// Rng implementation: xoshiro256** with splitmix64 seeding, polar-method normals.
// This file is compiled with -ffp-contract=off (see CMakeLists.txt) so that no fused
// multiply-add changes the rounding of the normal draws between machines.
#include "core/rng.hpp"

#include <cmath>

namespace cnn {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

double portable_log(double x) {
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)); log(m) = 2 atanh(s), s = (m - 1) / (m + 1),
  // |s| < 0.1716, so 14 terms of the odd series reach double precision.
  int e = 0;
  double m = std::frexp(x, &e);  // m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    e -= 1;
  }
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double term = s;
  double sum = 0.0;
  for (int k = 0; k < 14; ++k) {
    sum += term / static_cast<double>(2 * k + 1);
    term *= s2;
  }
  constexpr double kLn2 = 0.69314718055994530942;
  return 2.0 * sum + static_cast<double>(e) * kLn2;
}

Rng::Rng(std::uint64_t seed) {
  std::uint64_t x = seed;
  for (auto& word : s_) word = splitmix64(x);
}

std::uint64_t Rng::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

float Rng::uniform() { return static_cast<float>(next_u64() >> 40) * 0x1.0p-24f; }

float Rng::uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }

std::uint64_t Rng::uniform_int(std::uint64_t n) {
  // Rejection of the top partial range keeps every value equally likely.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t r = next_u64();
  while (r >= limit) r = next_u64();
  return r % n;
}

float Rng::normal() {
  for (;;) {
    const double u = 2.0 * static_cast<double>(next_u64() >> 11) * 0x1.0p-53 - 1.0;
    const double v = 2.0 * static_cast<double>(next_u64() >> 11) * 0x1.0p-53 - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return static_cast<float>(u * std::sqrt(-2.0 * portable_log(s) / s));
  }
}

}  // namespace cnn
