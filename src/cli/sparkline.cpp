#include "cli/sparkline.hpp"

#include <algorithm>
#include <cmath>

namespace cnn {

std::string sparkline(const std::vector<double>& values, std::size_t width) {
  static const char* const kBlocks[8] = {"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"};
  const auto first = values.size() > width ? values.end() - static_cast<std::ptrdiff_t>(width) : values.begin();
  if (first == values.end()) return "";
  const auto [lo, hi] = std::minmax_element(first, values.end());
  std::string line;
  for (auto v = first; v != values.end(); ++v) {
    const double level = *hi - *lo > 1e-12 ? (*v - *lo) / (*hi - *lo) * 7.0 : 3.5;
    line += kBlocks[std::clamp(static_cast<int>(std::lround(level)), 0, 7)];
  }
  return line;
}

}  // namespace cnn
