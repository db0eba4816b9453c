// What the CPU this process runs on can do, read with CPUID: its name, vendor, family and model,
// and the vector instruction sets that both the CPU and the operating system support (AVX and
// AVX-512 need the OS to save their registers; __builtin_cpu_supports checks that too).
//
// Why: cnn's speed must not rest on a library's guess about the CPU (ops/blas_core.hpp compares
// OpenBLAS's choice with this), and `cnn --version -v` names the machine a measurement came from.
#pragma once

#include <string>

namespace cnn {

// The x86-64 micro-architecture levels, by the vector instructions they add (psABI names).
enum class IsaLevel {
  kBaseline = 0,  // x86-64: SSE2
  kV2 = 1,        // SSE3, SSSE3, SSE4.1/4.2, POPCNT
  kAvx = 2,       // AVX (not a psABI level of its own: between v2 and v3)
  kV3 = 3,        // AVX2, FMA, BMI1/2
  kV4 = 4,        // AVX-512 F, BW, CD, DQ, VL
};

struct CpuInfo {
  std::string vendor;  // "GenuineIntel", "AuthenticAMD", ...; empty where CPUID is unknown
  std::string brand;   // "AMD EPYC 7B13", ...; empty where the CPU gives none
  int family = 0;      // display family and model, as /proc/cpuinfo shows them
  int model = 0;
  bool sse3 = false, ssse3 = false, sse41 = false, sse42 = false, popcnt = false;
  bool avx = false, avx2 = false, fma = false, bmi2 = false;
  bool avx512f = false, avx512bw = false, avx512cd = false, avx512dq = false, avx512vl = false;

  // The highest level whose instructions are all there.
  IsaLevel level() const;
  // "avx2 fma" style list of the vector extensions found, widest last.
  std::string feature_list() const;
};

// The CPU this process runs on (CPUID; all false and empty on other architectures).
CpuInfo detect_cpu();

// "x86-64-v3 (AVX2 + FMA)" and the like, and the short form "x86-64-v3".
std::string isa_level_name(IsaLevel level);
std::string isa_level_short_name(IsaLevel level);

// The instruction set this build's kernels were compiled for and their vector width, from the
// compiler's target macros: e.g. "AVX2 + FMA, 8 floats per vector".
std::string build_vector_isa();

}  // namespace cnn
