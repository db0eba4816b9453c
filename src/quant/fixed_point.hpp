// The integer arithmetic of the int8 network (TFLite's and CMSIS-NN's scheme), shared by the C++
// int8 run and mirrored line for line by the generated C (c_export/c_kernels_int8.cpp):
//
//   a real factor M > 0 becomes m / 2^shift with m in [2^30, 2^31) and shift in [1, 62]
//   an int32 accumulator a becomes round(a m / 2^shift) in 64-bit integers, halves away from zero
//   (the same for negative values: no implementation-defined right shift of a negative number)
#pragma once

#include <cstdint>
#include <vector>

namespace cnn {

struct FixedMultiplier {
  std::int32_t m = 0;  // 0 for a factor too small to matter (below 2^-32)
  int shift = 1;
  double value() const;  // m / 2^shift
};

// kModel error when `real` is not in [0, 2^30).
FixedMultiplier fixed_multiplier(double real);

// Several factors over one shift (an add's inputs): each m below 2^31, the largest one in [2^30, 2^31).
struct SharedShiftMultipliers {
  std::vector<std::int32_t> m;
  int shift = 1;
};
SharedShiftMultipliers shared_shift_multipliers(const std::vector<double>& reals);

// round(v / 2^shift), halves away from zero; shift in [1, 62].
inline std::int64_t round_shift(std::int64_t v, int shift) {
  const std::int64_t half = std::int64_t{1} << (shift - 1);
  return v >= 0 ? (v + half) >> shift : -((half - v) >> shift);
}

// v clamped to [low, 127] as int8.
inline std::int8_t saturate_int8(std::int64_t v, int low) {
  return static_cast<std::int8_t>(v < low ? low : v > 127 ? 127 : v);
}

// round(sum / count), halves away from zero (count > 0): a pool's mean of int8 values.
inline std::int32_t rounded_mean(std::int32_t sum, std::int32_t count) {
  return (2 * sum + (sum >= 0 ? count : -count)) / (2 * count);
}

}  // namespace cnn
