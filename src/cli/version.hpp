// `cnn --version` and `cnn --version -v`: the version and MPI support, and with -v the machine a
// measurement comes from: the CPU (name, family and model, instruction sets), the vector width this
// build's kernels were compiled for, and the BLAS and the kernels it runs (cli/blas_relaunch.hpp).
// scripts/benchmark.py prints the verbose form at the head of its results.
#pragma once

#include <string>

namespace cnn {

std::string version_text();
std::string verbose_version_text();

// Whether the command line asks for the verbose form: --version together with -v or --verbose,
// in either order and with no command (CLI11's version flag ends parsing before it sees -v).
bool asks_verbose_version(int argc, char** argv);

}  // namespace cnn
