// Raster charts for the report's PNG figures (RUN_DIR/figures/): line charts of the training
// curves, the confusion-matrix heatmap and a bar chart of class probabilities. The HTML report
// draws the curves interactively with Chart.js; these PNGs are the same data for slides and papers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "report/canvas.hpp"

namespace cnn {

struct Series {
  std::string label;
  std::vector<double> x, y;  // same length; a NaN y leaves a gap
  Rgb color;
  bool dashed = false;       // told apart by pattern too, not by colour alone
};

struct LineChartSpec {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  bool log_y = false;
  bool integer_x = true;  // epochs: ticks on whole numbers
  int width = 640, height = 400;
};

Canvas line_chart(const LineChartSpec& spec);

// Rows: true class, columns: predicted. Cells coloured by the row-normalised share (viridis),
// each labelled with its count; class names on both axes.
Canvas confusion_heatmap(const std::vector<std::vector<std::int64_t>>& confusion, const std::vector<std::string>& class_names);

// Per-class accuracy (recall: the share of each class's images classified as it), a horizontal
// bar per class in percent, the weakest class highlighted and the overall accuracy as a dashed line.
Canvas class_accuracy_bars(const std::vector<double>& accuracies, double overall, const std::vector<std::string>& class_names,
                           int width = 520);

// Horizontal bars, one per class, longest for the most probable; the top class highlighted.
Canvas probability_bars(const std::vector<float>& probabilities, const std::vector<std::string>& class_names, int width = 420);

// "Nice" axis ticks (1, 2, 5 x 10^k steps) covering [low, high]; at least two.
std::vector<double> nice_ticks(double low, double high, int target_count);

}  // namespace cnn
