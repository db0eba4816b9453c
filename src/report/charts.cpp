// Raster charts. See charts.hpp.
#include "report/charts.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace cnn {

namespace {

std::string tick_label(double v, double step) {
  if (std::abs(v) < step * 1e-6) return "0";
  const int decimals = step >= 1 ? 0 : std::min(6, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
  return fmt::format("{:.{}f}", v, decimals);
}

// Pixel geometry of a chart's plot area and the mapping of data into it.
struct Axes {
  int left, top, width, height;
  double x_low, x_high, y_low, y_high;
  bool log_y;
  double yv(double y) const { return log_y ? std::log10(y) : y; }
  int px(double x) const { return left + static_cast<int>(std::lround((x - x_low) / (x_high - x_low) * width)); }
  int py(double y) const {
    return top + height - static_cast<int>(std::lround((yv(y) - y_low) / (y_high - y_low) * height));
  }
};

// A 2-pixel line drawn as 8-pixel dashes with 5-pixel gaps, the pattern measured along the line.
void dashed_line(Canvas& canvas, int x0, int y0, int x1, int y1, Rgb color) {
  const double length = std::hypot(x1 - x0, y1 - y0);
  constexpr double kDash = 8.0, kGap = 5.0;
  for (double at = 0.0; at < length; at += kDash + kGap) {
    const double end = std::min(length, at + kDash);
    auto point = [&](double d, int a, int b) { return static_cast<int>(std::lround(a + (b - a) * (d / length))); };
    canvas.line(point(at, x0, x1), point(at, y0, y1), point(end, x0, x1), point(end, y0, y1), color, 2);
  }
}

}  // namespace

std::vector<double> nice_ticks(double low, double high, int target_count) {
  if (!(high > low)) high = low + 1.0;
  const double raw = (high - low) / std::max(1, target_count);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double v = std::ceil(low / step - 1e-9) * step; v <= high + step * 1e-9; v += step) ticks.push_back(v);
  if (ticks.size() < 2) ticks = {low, high};
  return ticks;
}

Canvas line_chart(const LineChartSpec& spec) {
  Canvas canvas(spec.width, spec.height);
  double x_low = std::numeric_limits<double>::infinity(), x_high = -x_low, y_low = x_low, y_high = -x_low;
  for (const Series& s : spec.series)
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      const double y = s.y[i];
      if (!std::isfinite(y) || (spec.log_y && y <= 0)) continue;
      const double v = spec.log_y ? std::log10(y) : y;
      x_low = std::min(x_low, s.x[i]);
      x_high = std::max(x_high, s.x[i]);
      y_low = std::min(y_low, v);
      y_high = std::max(y_high, v);
    }
  if (!std::isfinite(x_low)) x_low = 0, x_high = 1, y_low = 0, y_high = 1;
  if (x_high <= x_low) x_high = x_low + 1;
  if (y_high <= y_low) y_high = y_low + (std::abs(y_low) > 0 ? std::abs(y_low) * 0.1 : 1.0);
  const double margin = (y_high - y_low) * 0.05;
  y_low -= margin;
  y_high += margin;

  const int scale = 1;
  const int title_h = Canvas::text_height(2) + 12;
  const int legend_h = Canvas::text_height(scale) + 10;
  Axes axes{70, title_h + legend_h, spec.width - 70 - 20, spec.height - title_h - legend_h - 50, x_low, x_high, y_low, y_high,
            spec.log_y};
  canvas.text((spec.width - Canvas::text_width(spec.title, 2)) / 2, 6, spec.title, palette::kBlack, 2);

  // Grid and tick labels. On a log axis the ticks are powers of ten (and 2x, 5x within a decade).
  std::vector<double> y_ticks;
  if (spec.log_y) {
    for (int e = static_cast<int>(std::floor(y_low)); e <= static_cast<int>(std::ceil(y_high)); ++e)
      for (const double m : {1.0, 2.0, 5.0}) {
        const double v = std::log10(m) + e;
        if (v >= y_low && v <= y_high) y_ticks.push_back(v);
      }
  } else {
    y_ticks = nice_ticks(y_low, y_high, 6);
  }
  for (const double v : y_ticks) {
    if (v < y_low || v > y_high) continue;
    const int y = axes.top + axes.height - static_cast<int>(std::lround((v - y_low) / (y_high - y_low) * axes.height));
    canvas.fill_rect(axes.left, y, axes.width, 1, palette::kLightGray);
    const std::string label = spec.log_y ? fmt::format("{:g}", std::pow(10.0, v)) : tick_label(v, y_ticks.size() > 1 ? y_ticks[1] - y_ticks[0] : 1);
    canvas.text(axes.left - 6 - Canvas::text_width(label, scale), y - 4, label, palette::kBlack, scale);
  }
  std::vector<double> x_ticks = nice_ticks(x_low, x_high, 8);
  if (spec.integer_x && x_ticks.size() > 1 && x_ticks[1] - x_ticks[0] < 1.0) {
    x_ticks.clear();
    for (double v = std::ceil(x_low); v <= x_high; v += 1.0) x_ticks.push_back(v);
  }
  for (const double v : x_ticks) {
    if (v < x_low - 1e-9 || v > x_high + 1e-9) continue;
    const int x = axes.px(v);
    canvas.fill_rect(x, axes.top, 1, axes.height, palette::kLightGray);
    const std::string label = tick_label(v, x_ticks.size() > 1 ? x_ticks[1] - x_ticks[0] : 1);
    canvas.text(x - Canvas::text_width(label, scale) / 2, axes.top + axes.height + 6, label, palette::kBlack, scale);
  }
  canvas.stroke_rect(axes.left, axes.top, axes.width + 1, axes.height + 1, palette::kBlack);
  canvas.text(axes.left + (axes.width - Canvas::text_width(spec.x_label, scale)) / 2, spec.height - 18, spec.x_label,
              palette::kBlack, scale);
  canvas.text_vertical(8, axes.top + (axes.height + Canvas::text_width(spec.y_label, scale)) / 2, spec.y_label,
                       palette::kBlack, scale);

  // Series: lines (dashed ones drawn every other segment third), a square marker per point.
  int legend_x = axes.left;
  for (const Series& s : spec.series) {
    const int legend_y = title_h + 2;
    canvas.line(legend_x, legend_y + 5, legend_x + 24, legend_y + 5, s.color, 3);
    if (s.dashed) canvas.fill_rect(legend_x + 8, legend_y + 3, 8, 5, palette::kWhite);
    canvas.text(legend_x + 30, legend_y + 1, s.label, palette::kBlack, scale);
    legend_x += 30 + Canvas::text_width(s.label, scale) + 24;

    int previous_x = 0, previous_y = 0;
    bool has_previous = false;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      const double y = s.y[i];
      if (!std::isfinite(y) || (spec.log_y && y <= 0)) {
        has_previous = false;
        continue;
      }
      const int x = axes.px(s.x[i]), yy = axes.py(y);
      if (has_previous) {
        if (!s.dashed) {
          canvas.line(previous_x, previous_y, x, yy, s.color, 2);
        } else {
          dashed_line(canvas, previous_x, previous_y, x, yy, s.color);
        }
      }
      if (s.x.size() <= 60) canvas.fill_rect(x - 2, yy - 2, 5, 5, s.color);
      previous_x = x;
      previous_y = yy;
      has_previous = true;
    }
  }
  return canvas;
}

Canvas confusion_heatmap(const std::vector<std::vector<std::int64_t>>& confusion, const std::vector<std::string>& class_names) {
  const int classes = static_cast<int>(confusion.size());
  int label_w = 0;
  for (const std::string& name : class_names) label_w = std::max(label_w, Canvas::text_width(name));
  label_w = std::min(label_w, 160);
  std::int64_t biggest = 1;
  for (const auto& row : confusion)
    for (const std::int64_t v : row) biggest = std::max(biggest, v);
  const int digits = static_cast<int>(fmt::format("{}", biggest).size());
  const int cell = std::max(34, digits * 6 + 10);
  const int left = label_w + 40, top = 64 + label_w;
  const int width = left + classes * cell + 20 + Canvas::text_width("predicted") + 6, height = top + classes * cell + 20;
  const std::string title = "Confusion matrix";
  const std::string subtitle = "cell: count; colour: share of the true class (row)";
  Canvas canvas(std::max({width, Canvas::text_width(title, 2) + 20, Canvas::text_width(subtitle) + 20}), std::max(height, 200));
  canvas.text(10, 8, title, palette::kBlack, 2);
  canvas.text(10, 8 + Canvas::text_height(2) + 2, subtitle, palette::kGray);
  canvas.text(left + classes * cell + 6, top - 14, "predicted", palette::kBlack);
  canvas.text_vertical(6, top + classes * cell / 2 + Canvas::text_width("true class") / 2, "true class", palette::kBlack);
  for (int t = 0; t < classes; ++t) {
    std::int64_t row_total = 0;
    for (const std::int64_t v : confusion[static_cast<std::size_t>(t)]) row_total += v;
    const std::string& name = class_names[static_cast<std::size_t>(t)];
    canvas.text(left - 6 - Canvas::text_width(name), top + t * cell + cell / 2 - 4, name, palette::kBlack);
    for (int p = 0; p < classes; ++p) {
      const std::int64_t count = confusion[static_cast<std::size_t>(t)][static_cast<std::size_t>(p)];
      const float share = row_total > 0 ? static_cast<float>(count) / static_cast<float>(row_total) : 0.0f;
      // A square-root scale: the few mistakes stay visible beside a diagonal of near 1.
      const Rgb color = count == 0 ? palette::kWhite : viridis(std::sqrt(share));
      canvas.fill_rect(left + p * cell, top + t * cell, cell, cell, color);
      canvas.stroke_rect(left + p * cell, top + t * cell, cell + 1, cell + 1, palette::kLightGray);
      if (count == 0) continue;
      const std::string label = fmt::format("{}", count);
      // Dark text on the light end of the map, white on the dark end.
      const Rgb ink = std::sqrt(share) > 0.6f ? palette::kBlack : palette::kWhite;
      canvas.text(left + p * cell + (cell - Canvas::text_width(label)) / 2, top + t * cell + cell / 2 - 4, label, ink);
    }
  }
  for (int p = 0; p < classes; ++p) {
    const std::string& name = class_names[static_cast<std::size_t>(p)];
    canvas.text_vertical(left + p * cell + cell / 2 - 5, top - 6, name, palette::kBlack);
  }
  return canvas;
}

Canvas class_accuracy_bars(const std::vector<double>& accuracies, double overall, const std::vector<std::string>& class_names,
                           int width) {
  const int classes = static_cast<int>(accuracies.size());
  int label_w = 0;
  for (const std::string& name : class_names) label_w = std::max(label_w, Canvas::text_width(name));
  label_w = std::min(label_w, 140);
  const int row = 18, left = label_w + 16, bar_max = width - left - 70, top_margin = 22;
  Canvas canvas(width, classes * row + top_margin + 8);
  const auto weakest = static_cast<int>(std::min_element(accuracies.begin(), accuracies.end()) - accuracies.begin());
  const auto x_of = [&](double share) { return left + static_cast<int>(std::lround(std::clamp(share, 0.0, 1.0) * bar_max)); };
  for (int c = 0; c < classes; ++c) {
    const double a = accuracies[static_cast<std::size_t>(c)];
    const int y = top_margin + c * row;
    const std::string& name = class_names[static_cast<std::size_t>(c)];
    canvas.text(left - 8 - Canvas::text_width(name), y + 3, name, palette::kBlack);
    canvas.fill_rect(left, y, std::max(1, x_of(a) - left), row - 4, c == weakest ? palette::kVermillion : palette::kBlue);
    canvas.text(x_of(a) + 6, y + 3, fmt::format("{:.1f}%", 100.0 * a), palette::kBlack);
  }
  // The overall accuracy: a dashed line across the bars, labelled above them.
  for (int y = top_margin - 4; y < top_margin + classes * row; y += 6) canvas.fill_rect(x_of(overall), y, 1, 3, palette::kBlack);
  const std::string label = fmt::format("all: {:.1f}%", 100.0 * overall);
  canvas.text(std::max(0, std::min(x_of(overall) - Canvas::text_width(label) / 2, width - Canvas::text_width(label))), 4, label,
              palette::kBlack);
  return canvas;
}

Canvas probability_bars(const std::vector<float>& probabilities, const std::vector<std::string>& class_names, int width) {
  const int classes = static_cast<int>(probabilities.size());
  int label_w = 0;
  for (const std::string& name : class_names) label_w = std::max(label_w, Canvas::text_width(name));
  label_w = std::min(label_w, 140);
  const int row = 18, left = label_w + 16, bar_max = width - left - 70;
  Canvas canvas(width, classes * row + 16);
  const auto top = static_cast<int>(std::max_element(probabilities.begin(), probabilities.end()) - probabilities.begin());
  for (int c = 0; c < classes; ++c) {
    const float p = std::clamp(probabilities[static_cast<std::size_t>(c)], 0.0f, 1.0f);
    const int y = 8 + c * row;
    const std::string& name = class_names[static_cast<std::size_t>(c)];
    canvas.text(left - 8 - Canvas::text_width(name), y + 3, name, palette::kBlack);
    canvas.fill_rect(left, y, std::max(1, static_cast<int>(std::lround(p * bar_max))), row - 4,
                     c == top ? palette::kVermillion : palette::kBlue);
    canvas.text(left + static_cast<int>(std::lround(p * bar_max)) + 6, y + 3, fmt::format("{:.4f}", p), palette::kBlack);
  }
  return canvas;
}

}  // namespace cnn
