// The text of `cnn --version [-v]`.
#include "cli/version.hpp"

#include <fmt/format.h>

#include <cstring>

#include "cli/blas_relaunch.hpp"
#include "core/cpu_info.hpp"
#include "dist/make_communicator.hpp"
#include "ops/blas_core.hpp"

namespace cnn {

std::string version_text() { return std::string("cnn ") + CNN_VERSION + "\n" + mpi_support(); }

std::string verbose_version_text() {
  const CpuInfo cpu = detect_cpu();
  std::string text = version_text() + "\n";
  text += fmt::format("CPU: {} ({} family {} model {})\n", cpu.brand.empty() ? "unnamed" : cpu.brand,
                      cpu.vendor.empty() ? "unknown vendor" : cpu.vendor, cpu.family, cpu.model);
  text += fmt::format("CPU instruction set: {}; {}\n", isa_level_name(cpu.level()), cpu.feature_list());
  text += fmt::format("kernels built for: {}", build_vector_isa());
#if !defined(__AVX512F__)
  if (cpu.level() == IsaLevel::kV4) text += " (this CPU has AVX-512: a build made here, CNN_NATIVE=ON, uses 16)";
#endif
  text += "\n";
  const std::string mpi = mpi_library_version();
  if (!mpi.empty()) text += fmt::format("MPI library: {}\n", mpi);
  const std::string config = blas_config();
  text += fmt::format("BLAS: {}\n", config.empty() ? "a CBLAS other than OpenBLAS" : config);
  text += fmt::format("BLAS kernels: {}", blas_kernels_line(cpu));
  return text;
}

bool asks_verbose_version(int argc, char** argv) {
  bool version = false, verbose = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--version") == 0) version = true;
    else if (std::strcmp(argv[i], "-v") == 0 || std::strcmp(argv[i], "--verbose") == 0) verbose = true;
    else return false;  // anything else (a command, an option): CLI11 handles the line
  }
  return version && verbose;
}

}  // namespace cnn
