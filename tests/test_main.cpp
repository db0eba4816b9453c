// Catch2's main lives alone in this file so the other test files compile quickly. The tests run
// with flush-to-zero and denormals-are-zero set, as the cnn executable does (core/float_mode.hpp),
// so the reference comparisons and gradient checks hold in the mode cnn computes in.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "core/float_mode.hpp"

int main(int argc, char** argv) {
  cnn::enable_flush_to_zero();
  return Catch::Session().run(argc, argv);
}
