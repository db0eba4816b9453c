// Rng: a seedable random generator whose draws are the same on every platform and compiler.
//
// Bits come from xoshiro256** (Blackman & Vigna), seeded through splitmix64. Uniform floats use
// the top 24 bits; normals use Marsaglia's polar method in double precision with a logarithm
// written here in plain IEEE arithmetic, because std::normal_distribution and libm's log are
// allowed to differ between standard libraries. The whole state is four 64-bit words, so a
// checkpoint can store it and a resumed run continues the exact same sequence.
#pragma once

#include <array>
#include <cstdint>

namespace cnn {

class Rng {
 public:
  using State = std::array<std::uint64_t, 4>;

  explicit Rng(std::uint64_t seed = 1);

  std::uint64_t next_u64();
  // Uniform in [0, 1) with 24 random bits (every value exactly representable as float).
  float uniform();
  // Uniform in [lo, hi).
  float uniform(float lo, float hi);
  // Uniform integer in [0, n) without modulo bias; n > 0.
  std::uint64_t uniform_int(std::uint64_t n);
  // Standard normal draw (mean 0, variance 1).
  float normal();
  float normal(float mean, float stddev) { return mean + stddev * normal(); }

  const State& state() const { return s_; }
  void set_state(const State& state) { s_ = state; }

 private:
  State s_;
};

// Natural logarithm of x > 0 in portable arithmetic (frexp and an atanh series): the same
// bits on every IEEE-754 platform. Exposed for its test.
double portable_log(double x);

}  // namespace cnn
