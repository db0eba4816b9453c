// CPU detection by CPUID (GCC/clang's <cpuid.h> and __builtin_cpu_supports).
#include "core/cpu_info.hpp"

#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define CNN_HAS_CPUID 1
#else
#define CNN_HAS_CPUID 0
#endif

namespace cnn {

namespace {

#if CNN_HAS_CPUID
std::string trim(std::string s) {
  const auto first = s.find_first_not_of(' ');
  const auto last = s.find_last_not_of(' ');
  return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

std::string read_vendor() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(0, &a, &b, &c, &d) == 0) return {};
  char name[13] = {};
  std::memcpy(name, &b, 4);
  std::memcpy(name + 4, &d, 4);
  std::memcpy(name + 8, &c, 4);
  return name;
}

// Leaves 0x80000002-4 hold the 48-byte brand string.
std::string read_brand() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(0x80000000u, &a, &b, &c, &d) == 0 || a < 0x80000004u) return {};
  char brand[49] = {};
  for (unsigned leaf = 0; leaf < 3; ++leaf) {
    __get_cpuid(0x80000002u + leaf, &a, &b, &c, &d);
    const unsigned words[4] = {a, b, c, d};
    std::memcpy(brand + 16 * leaf, words, 16);
  }
  return trim(brand);
}

// Display family and model: the extended fields count only for family 15 (and 6 for the model).
void read_family_model(int& family, int& model) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d) == 0) return;
  const int base_family = static_cast<int>((a >> 8) & 0xf), base_model = static_cast<int>((a >> 4) & 0xf);
  const int ext_family = static_cast<int>((a >> 20) & 0xff), ext_model = static_cast<int>((a >> 16) & 0xf);
  family = base_family == 15 ? base_family + ext_family : base_family;
  model = base_family == 6 || base_family == 15 ? (ext_model << 4) + base_model : base_model;
}
#endif

}  // namespace

IsaLevel CpuInfo::level() const {
  const bool v2 = sse3 && ssse3 && sse41 && sse42 && popcnt;
  if (!v2) return IsaLevel::kBaseline;
  if (!avx) return IsaLevel::kV2;
  if (!(avx2 && fma && bmi2)) return IsaLevel::kAvx;
  if (!(avx512f && avx512bw && avx512cd && avx512dq && avx512vl)) return IsaLevel::kV3;
  return IsaLevel::kV4;
}

std::string CpuInfo::feature_list() const {
  std::string out;
  const auto add = [&](bool present, const char* name) {
    if (!present) return;
    if (!out.empty()) out += ' ';
    out += name;
  };
  add(sse42, "sse4.2");
  add(avx, "avx");
  add(avx2, "avx2");
  add(fma, "fma");
  add(avx512f, "avx512f");
  add(avx512bw, "avx512bw");
  add(avx512cd, "avx512cd");
  add(avx512dq, "avx512dq");
  add(avx512vl, "avx512vl");
  return out.empty() ? "none beyond SSE2" : out;
}

CpuInfo detect_cpu() {
  CpuInfo cpu;
#if CNN_HAS_CPUID
  cpu.vendor = read_vendor();
  cpu.brand = read_brand();
  read_family_model(cpu.family, cpu.model);
  __builtin_cpu_init();
  cpu.sse3 = __builtin_cpu_supports("sse3");
  cpu.ssse3 = __builtin_cpu_supports("ssse3");
  cpu.sse41 = __builtin_cpu_supports("sse4.1");
  cpu.sse42 = __builtin_cpu_supports("sse4.2");
  cpu.popcnt = __builtin_cpu_supports("popcnt");
  cpu.avx = __builtin_cpu_supports("avx");
  cpu.avx2 = __builtin_cpu_supports("avx2");
  cpu.fma = __builtin_cpu_supports("fma");
  cpu.bmi2 = __builtin_cpu_supports("bmi2");
  cpu.avx512f = __builtin_cpu_supports("avx512f");
  cpu.avx512bw = __builtin_cpu_supports("avx512bw");
  cpu.avx512cd = __builtin_cpu_supports("avx512cd");
  cpu.avx512dq = __builtin_cpu_supports("avx512dq");
  cpu.avx512vl = __builtin_cpu_supports("avx512vl");
#endif
  return cpu;
}

std::string isa_level_name(IsaLevel level) {
  switch (level) {
    case IsaLevel::kBaseline: return "x86-64 (SSE2)";
    case IsaLevel::kV2: return "x86-64-v2 (SSE4.2)";
    case IsaLevel::kAvx: return "AVX without AVX2";
    case IsaLevel::kV3: return "x86-64-v3 (AVX2 + FMA)";
    case IsaLevel::kV4: return "x86-64-v4 (AVX-512)";
  }
  return "unknown";
}

std::string isa_level_short_name(IsaLevel level) {
  switch (level) {
    case IsaLevel::kBaseline: return "x86-64";
    case IsaLevel::kV2: return "x86-64-v2";
    case IsaLevel::kAvx: return "AVX";
    case IsaLevel::kV3: return "x86-64-v3";
    case IsaLevel::kV4: return "x86-64-v4";
  }
  return "unknown";
}

std::string build_vector_isa() {
#if defined(CNN_VECTOR_LANES)
  // ops/vec.hpp: a forced width, split over the target's registers (a test build).
  return std::to_string(CNN_VECTOR_LANES) + " floats per vector, forced by CNN_VECTOR_LANES (split over " +
#if defined(__AVX512F__)
         "AVX-512" +
#elif defined(__AVX__)
         "AVX" +
#else
         "SSE" +
#endif
         std::string(" registers: a test build)");
#elif defined(__AVX512F__)
  return "AVX-512, 16 floats per vector";
#elif defined(__AVX2__) && defined(__FMA__)
  return "AVX2 + FMA, 8 floats per vector";
#elif defined(__AVX__)
  return "AVX, 8 floats per vector";
#elif defined(__SSE2__)
  return "SSE2, 4 floats per vector";
#else
  return "generic, 4 floats per vector";
#endif
}

}  // namespace cnn
