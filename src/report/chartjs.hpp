// Chart.js 3.9 (Debian's libjs-chart.js), built into cnn from the minified file at configure
// time (cmake/embed_file.cmake), to be inlined in reports so that they open offline.
#pragma once

#include <string_view>

namespace cnn {

std::string_view chartjs_source();

}  // namespace cnn
