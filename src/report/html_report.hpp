// Renders a ReportContent as one self-contained HTML page: inline CSS, Chart.js inlined for the
// curves (hover shows exact values), images as PNG data URIs, nothing fetched from anywhere.
// Prints well: charts do not animate, sections do not break inside a figure.
#pragma once

#include <string>

#include "report/report_content.hpp"

namespace cnn {

// `figures_written`: figures/*.png exist beside the page, so each figure links to its PNG.
std::string render_report_html(const ReportContent& content, bool figures_written);

// Text made safe for HTML element content and attribute values.
std::string html_escape(const std::string& text);

}  // namespace cnn
