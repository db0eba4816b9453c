// The start-up check of OpenBLAS's kernels and the relaunch (see blas_relaunch.hpp).
#include "cli/blas_relaunch.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

#include "ops/blas_core.hpp"

namespace cnn {

namespace {

constexpr const char* kCoreTypeVariable = "OPENBLAS_CORETYPE";
constexpr const char* kRelaunchedVariable = "CNN_BLAS_RELAUNCHED";

std::string core_with_level(const std::string& core) {
  const int level = openblas_core_level(core);
  return level < 0 ? core : fmt::format("{} ({})", core, isa_level_short_name(static_cast<IsaLevel>(level)));
}

}  // namespace

std::string blas_relaunch_core(const CpuInfo& cpu, const std::string& current_core, const char* user_coretype,
                               const char* relaunched_from) {
  if (relaunched_from != nullptr || user_coretype != nullptr) return "";
  return better_openblas_core(cpu, current_core);
}

void relaunch_for_blas_core(char** argv) {
  const std::string current = blas_core_name();
  if (current.empty()) return;  // not OpenBLAS
  const std::string wanted = blas_relaunch_core(detect_cpu(), current, std::getenv(kCoreTypeVariable),
                                                std::getenv(kRelaunchedVariable));
  if (wanted.empty()) return;
  if (setenv(kCoreTypeVariable, wanted.c_str(), 1) != 0 || setenv(kRelaunchedVariable, current.c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
  // execv returned: no /proc, say. Run on with the kernels OpenBLAS chose; blas_kernels_line
  // reports it, and the variables must not claim otherwise.
  unsetenv(kCoreTypeVariable);
  unsetenv(kRelaunchedVariable);
}

std::string blas_kernels_line(const CpuInfo& cpu) {
  const std::string current = blas_core_name();
  if (current.empty()) return "not OpenBLAS: its own choice";
  const char* relaunched_from = std::getenv(kRelaunchedVariable);
  const char* user_coretype = std::getenv(kCoreTypeVariable);
  if (relaunched_from != nullptr)
    return fmt::format("{}, set by cnn: OpenBLAS chose {}, older than this CPU", core_with_level(current),
                       core_with_level(relaunched_from));
  std::string line = core_with_level(current) +
                     (user_coretype != nullptr ? fmt::format(", set by {}={}", kCoreTypeVariable, user_coretype)
                                               : std::string(", chosen by OpenBLAS"));
  const std::string better = better_openblas_core(cpu, current);
  if (!better.empty()) line += fmt::format(" (older than this CPU: {} would fit it)", better);
  return line;
}

}  // namespace cnn
