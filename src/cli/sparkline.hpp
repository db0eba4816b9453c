// A one-line chart of a series for the terminal: each value as one of the eight block characters
// U+2581..U+2588 (UTF-8), lowest to highest between the series' own minimum and maximum. What the
// progress shows after each epoch: the validation accuracy so far.
#pragma once

#include <string>
#include <vector>

namespace cnn {

// The last `width` values; a constant series is drawn at mid height; empty for no values.
std::string sparkline(const std::vector<double>& values, std::size_t width = 60);

}  // namespace cnn
