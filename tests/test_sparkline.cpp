// The terminal's sparkline of validation accuracy (cli/sparkline.hpp).
#include <catch2/catch.hpp>

#include "cli/sparkline.hpp"

using namespace cnn;

TEST_CASE("a sparkline draws a series between its own minimum and maximum", "[progress]") {
  CHECK(sparkline({}).empty());
  CHECK(sparkline({0.5}) == "\u2585");  // one value: mid height
  CHECK(sparkline({0.9, 0.9, 0.9}) == "\u2585\u2585\u2585");
  CHECK(sparkline({0.1, 0.2, 0.9}) == "\u2581\u2582\u2588");
  CHECK(sparkline({0.5, 0.25, 0.75}) == "\u2585\u2581\u2588");
  std::vector<double> long_run;
  for (int i = 0; i < 100; ++i) long_run.push_back(i);
  const std::string line = sparkline(long_run, 10);
  CHECK(line.size() == 10 * 3);  // ten characters of three UTF-8 bytes: the last ten values
  CHECK(line.substr(0, 3) == "\u2581");
  CHECK(line.substr(27) == "\u2588");
}
