// Catch2's main lives alone in this file so the other test files compile quickly. The tests run
// with flush-to-zero and denormals-are-zero set, as the cnn executable does (core/float_mode.hpp),
// so the reference comparisons and gradient checks hold in the mode cnn computes in; and in an
// environment of their own (test_environment.hpp), whatever the machine's variables.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "core/float_mode.hpp"
#include "test_environment.hpp"

int main(int argc, char** argv) {
  cnn::test::control_test_environment(argv);
  cnn::enable_flush_to_zero();
  return Catch::Session().run(argc, argv);
}
