// The environment the tests run in, the same on every machine: CI runs the suite with the
// machine's own variables, and some machines preset OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (older
// OpenBLAS builds misbehave on CPUs newer than themselves), launch variables of Open MPI, a
// locale, a HOME that is not writable. A test that needs one of these set sets it itself, in the
// command it runs (tests/cli_runner.hpp); everything else starts from this controlled state:
//
//   removed   OPENBLAS_* (but OPENBLAS_NUM_THREADS), GOTO_*, OMP_NUM_THREADS: OpenBLAS reads them
//             as it loads; CNN_* but the suite's own inputs (kept_harness_variables); the
//             variables of an MPI launch (OMPI_COMM_WORLD_*, PMI_*, PMIX_*); COLUMNS, LINES
//   set       OPENBLAS_NUM_THREADS=1, LC_ALL=C, HOME to a fresh empty folder (removed at exit),
//             XDG_STATE_HOME unset, so `cnn train` never writes the user's latest-model file
//
// OpenBLAS is loaded before main() runs, so when a variable it reads has to change the test binary
// starts itself again (execv of /proc/self/exe, the same pid) in the controlled environment; the
// in-process OpenBLAS then chose its kernels as the cnn processes the tests start will.
#pragma once

#include <string>
#include <vector>

namespace cnn::test {

// The CNN_* variables that are inputs of the suite itself and are kept: CNN_TEST_MNIST_DIR (real
// MNIST for the tests that use it), CNN_REQUIRE_BROWSER, CNN_REQUIRE_MPI_TWO_HOSTS, CNN_ARTIFACT_DIR.
const std::vector<std::string>& kept_harness_variables();

// Call first thing in main(): makes the environment above, relaunching when it must; returns
// once the environment is controlled.
void control_test_environment(char** argv);

}  // namespace cnn::test
