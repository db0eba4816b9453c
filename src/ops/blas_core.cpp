// OpenBLAS core names and the instruction sets of their kernels (OpenBLAS's driver/others/dynamic.c
// lists the names its DYNAMIC_ARCH builds report and accept in OPENBLAS_CORETYPE).
#include "ops/blas_core.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace cnn {

// Weak, so that a BLAS without them links too (they are OpenBLAS's own extensions to CBLAS).
extern "C" char* openblas_get_corename(void) __attribute__((weak));
extern "C" char* openblas_get_config(void) __attribute__((weak));

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

int openblas_core_level(const std::string& core_name) {
  static const std::pair<const char*, IsaLevel> kCores[] = {
      {"katmai", IsaLevel::kBaseline},     {"coppermine", IsaLevel::kBaseline}, {"northwood", IsaLevel::kBaseline},
      {"banias", IsaLevel::kBaseline},     {"athlon", IsaLevel::kBaseline},     {"opteron", IsaLevel::kBaseline},
      {"opteron_sse3", IsaLevel::kV2},     {"prescott", IsaLevel::kV2},         {"core2", IsaLevel::kV2},
      {"penryn", IsaLevel::kV2},           {"dunnington", IsaLevel::kV2},       {"nehalem", IsaLevel::kV2},
      {"atom", IsaLevel::kV2},             {"nano", IsaLevel::kV2},             {"barcelona", IsaLevel::kV2},
      {"bobcat", IsaLevel::kV2},           {"sandybridge", IsaLevel::kAvx},     {"bulldozer", IsaLevel::kAvx},
      {"piledriver", IsaLevel::kAvx},      {"steamroller", IsaLevel::kAvx},     {"haswell", IsaLevel::kV3},
      {"excavator", IsaLevel::kV3},        {"zen", IsaLevel::kV3},              {"skylakex", IsaLevel::kV4},
      {"cooperlake", IsaLevel::kV4},       {"sapphirerapids", IsaLevel::kV4},
  };
  const std::string name = lower(core_name);
  for (const auto& [core, level] : kCores)
    if (name == core) return static_cast<int>(level);
  return -1;
}

std::string openblas_core_for(const CpuInfo& cpu) {
  switch (cpu.level()) {
    case IsaLevel::kV4: return "SkylakeX";
    case IsaLevel::kV3: return "Haswell";
    case IsaLevel::kAvx: return "Sandybridge";
    case IsaLevel::kV2:
    case IsaLevel::kBaseline: return "";
  }
  return "";
}

std::string better_openblas_core(const CpuInfo& cpu, const std::string& current) {
  const std::string wanted = openblas_core_for(cpu);
  if (wanted.empty()) return "";
  const int have = openblas_core_level(current);
  if (have < 0) return "";  // a name this table does not know: newer than it, most likely
  return have < openblas_core_level(wanted) ? wanted : "";
}

std::string blas_core_name() {
  const char* name = openblas_get_corename != nullptr ? openblas_get_corename() : nullptr;
  return name != nullptr ? std::string(name) : std::string();
}

std::string blas_config() {
  const char* config = openblas_get_config != nullptr ? openblas_get_config() : nullptr;
  return config != nullptr ? std::string(config) : std::string();
}

}  // namespace cnn
