// Which kernels OpenBLAS runs, and whether they fit the CPU.
//
// Debian's OpenBLAS is built for every x86 core (DYNAMIC_ARCH) and picks its kernels once, when the
// library loads, from the CPU's family and model. A CPU newer than the library (0.3.21 does not know
// Intel's family 6 model 207, for one) gets its oldest kernels: Prescott's SSE3 code, 15 GFLOP/s
// where the AVX-512 kernels reach 141. The only way to change the choice is OPENBLAS_CORETYPE in
// the environment before the library loads, so cnn's main() asks here and, when the choice falls
// short of the CPU's instruction set, starts itself again with that variable set
// (cli/blas_relaunch.hpp). cnn's own kernels (ops/small_gemm.hpp) carry the LeNet-5 and
// modern-layer paths without OpenBLAS at all; it is left for large convolutions with strides.
#pragma once

#include <string>

#include "core/cpu_info.hpp"

namespace cnn {

// The instruction set an OpenBLAS core name's kernels use ("Haswell" -> kV3, "Prescott" -> kV2,
// "SkylakeX" -> kV4), matched without regard to case; -1 for a name it does not know.
int openblas_core_level(const std::string& core_name);

// The OpenBLAS core name whose kernels best fit this CPU ("SkylakeX", "Haswell", "Sandybridge"),
// or "" where the oldest kernels are already the right ones.
std::string openblas_core_for(const CpuInfo& cpu);

// The core to ask OpenBLAS for instead of `current`, or "" to keep it: only where the current
// name is known and its instruction set is older than the CPU's.
std::string better_openblas_core(const CpuInfo& cpu, const std::string& current);

// What the linked BLAS says of itself: OpenBLAS's core name ("Haswell") and configuration string
// ("OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64"); "" for a BLAS without them.
std::string blas_core_name();
std::string blas_config();

}  // namespace cnn
