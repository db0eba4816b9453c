// Makes OpenBLAS run kernels that fit this CPU: when the core it chose at load time is older than
// the CPU's instruction set (ops/blas_core.hpp), cnn starts itself again, the same process (execv
// keeps the pid, so mpirun and shells see nothing), with OPENBLAS_CORETYPE naming the right core.
// The environment variable is the only switch OpenBLAS reads, and only while it loads.
//
// Never twice (CNN_BLAS_RELAUNCHED marks the second start and remembers what OpenBLAS had chosen),
// never over a user's own OPENBLAS_CORETYPE, and where execv fails cnn runs on as it was.
#pragma once

#include <string>

#include "core/cpu_info.hpp"

namespace cnn {

// What to do at start-up, decided from the CPU, OpenBLAS's choice and the two variables
// (nullptr where unset): the core to relaunch with, or "" to carry on.
std::string blas_relaunch_core(const CpuInfo& cpu, const std::string& current_core, const char* user_coretype,
                               const char* relaunched_from);

// Call first thing in main(): relaunches (does not return) when blas_relaunch_core says so.
void relaunch_for_blas_core(char** argv);

// One line for `cnn --version -v` and the logs: the kernels in use and who chose them, e.g.
// "Zen (x86-64-v3), chosen by OpenBLAS" or "SkylakeX (x86-64-v4), set by cnn: OpenBLAS chose
// Prescott (x86-64-v2), older than this CPU".
std::string blas_kernels_line(const CpuInfo& cpu);

}  // namespace cnn
