// network_diagram_svg: see network_diagram.hpp.
#include "report/network_diagram.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "report/html_report.hpp"

namespace cnn {
namespace {

constexpr int kBoxWidth = 460, kBoxHeight = 22, kRowGap = 12, kLeft = 10, kTop = 10, kLaneWidth = 14;

int row_top(int row) { return kTop + row * (kBoxHeight + kRowGap); }
int row_middle(int row) { return row_top(row) + kBoxHeight / 2; }

struct Arc {
  int from, to;  // rows; row 0 is the network's input, layer i is row i + 1
  int lane = 0;
};

}  // namespace

std::string network_diagram_svg(const NetSummary& network) {
  std::map<std::string, int> row_of{{"input", 0}};
  for (std::size_t i = 0; i < network.layers.size(); ++i) row_of[network.layers[i].name] = static_cast<int>(i) + 1;
  std::vector<bool> reads_previous(network.layers.size() + 1, false);
  std::vector<Arc> arcs;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const int row = static_cast<int>(i) + 1;
    for (const std::string& input : network.layers[i].inputs) {
      const auto found = row_of.find(input);
      if (found == row_of.end()) continue;
      if (found->second == row - 1) {
        reads_previous[static_cast<std::size_t>(row)] = true;
      } else {
        arcs.push_back({found->second, row});
      }
    }
  }
  // Short arcs take the inner lanes: an arc's lane is the first one free over its rows.
  std::sort(arcs.begin(), arcs.end(), [](const Arc& a, const Arc& b) { return a.to - a.from < b.to - b.from; });
  std::vector<std::vector<bool>> lanes;  // lanes[k][row]: taken
  const int rows = static_cast<int>(network.layers.size()) + 1;
  int widest = 0;
  for (Arc& arc : arcs) {
    for (arc.lane = 0;; ++arc.lane) {
      if (static_cast<int>(lanes.size()) <= arc.lane) lanes.emplace_back(static_cast<std::size_t>(rows), false);
      std::vector<bool>& lane = lanes[static_cast<std::size_t>(arc.lane)];
      if (std::none_of(lane.begin() + arc.from, lane.begin() + arc.to + 1, [](bool taken) { return taken; })) {
        std::fill(lane.begin() + arc.from, lane.begin() + arc.to + 1, true);
        break;
      }
    }
    widest = std::max(widest, arc.lane + 1);
  }
  const int width = kLeft + kBoxWidth + (widest + 1) * kLaneWidth + 10;
  const int height = row_top(rows) + kTop;
  std::string svg = fmt::format(
      "<svg class=\"network-diagram\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" aria-label=\"the network as a graph of its layers\">\n"
      "<defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" "
      "orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#555\"/></marker>"
      "<marker id=\"skip-arrow\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" "
      "orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#c0392b\"/></marker></defs>\n",
      width, height, width, height);
  const auto box = [&](int row, const std::string& label, const std::string& shape, const std::string& fill) {
    svg += fmt::format("<g><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"{}\" stroke=\"#888\"/>"
                       "<text x=\"{}\" y=\"{}\" font-size=\"12\" font-family=\"sans-serif\">{}</text>"
                       "<text x=\"{}\" y=\"{}\" font-size=\"12\" font-family=\"monospace\" text-anchor=\"end\">{}</text></g>\n",
                       kLeft, row_top(row), kBoxWidth, kBoxHeight, fill, kLeft + 6, row_top(row) + 15, html_escape(label),
                       kLeft + kBoxWidth - 6, row_top(row) + 15, html_escape(shape));
  };
  const auto fill_of = [](const std::string& kind) {
    if (kind == "conv" || kind == "dense") return "#dbe9f6";
    if (kind == "pool" || kind == "global_avg_pool" || kind == "global_max_pool") return "#e4f2df";
    if (kind == "add" || kind == "concat") return "#f8dcd8";
    if (kind == "batch_norm") return "#f3ecd4";
    return "#f4f4f4";
  };
  box(0, "input", network.input.str(), "#ffffff");
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const LayerSummary& l = network.layers[i];
    const int row = static_cast<int>(i) + 1;
    const std::string label = l.config.empty() ? l.name + " · " + l.kind : l.name + " · " + l.kind + " " + l.config;
    box(row, label, l.output.str(), fill_of(l.kind));
    if (reads_previous[static_cast<std::size_t>(row)])
      svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#555\" marker-end=\"url(#arrow)\"/>\n",
                         kLeft + kBoxWidth / 2, row_top(row - 1) + kBoxHeight, row_top(row) - 1);
  }
  for (const Arc& arc : arcs) {
    const int x = kLeft + kBoxWidth, out = x + (arc.lane + 1) * kLaneWidth;
    svg += fmt::format("<path d=\"M{},{} H{} V{} H{}\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.5\" "
                       "marker-end=\"url(#skip-arrow)\"/>\n",
                       x, row_middle(arc.from), out, row_middle(arc.to), x + 1);
  }
  return svg + "</svg>\n";
}

}  // namespace cnn
