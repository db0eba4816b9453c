#include "quant/fixed_point.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace cnn {

double FixedMultiplier::value() const { return std::ldexp(static_cast<double>(m), -shift); }

FixedMultiplier fixed_multiplier(double real) {
  CNN_CHECK_CODE(std::isfinite(real) && real >= 0.0 && real < std::ldexp(1.0, 30), ExitCode::kModel,
                 "a requantization factor of {:g} is outside what int8 arithmetic can hold", real);
  if (real == 0.0) return {};
  int exponent = 0;
  const double fraction = std::frexp(real, &exponent);  // real = fraction 2^exponent, fraction in [0.5, 1)
  std::int64_t m = std::llround(std::ldexp(fraction, 31));
  if (m == (std::int64_t{1} << 31)) {
    m /= 2;
    ++exponent;
  }
  int shift = 31 - exponent;
  if (shift > 62) {  // a factor below 2^-32: fewer bits of m (none below 2^-62: m < 2^31 rounds to 0)
    const int drop = shift - 62;
    m = drop >= 32 ? 0 : round_shift(m, drop);
    shift = 62;
  }
  return {static_cast<std::int32_t>(m), shift};
}

SharedShiftMultipliers shared_shift_multipliers(const std::vector<double>& reals) {
  const double largest = *std::max_element(reals.begin(), reals.end());
  const FixedMultiplier top = fixed_multiplier(largest);
  SharedShiftMultipliers out;
  out.shift = top.shift;
  for (double r : reals) {
    fixed_multiplier(r);  // the same range check
    out.m.push_back(static_cast<std::int32_t>(std::min<std::int64_t>(std::llround(std::ldexp(r, out.shift)), top.m)));
  }
  return out;
}

}  // namespace cnn
