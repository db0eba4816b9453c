// The CPU detection, the check of OpenBLAS's kernels against the CPU, the relaunch that corrects
// them (with a stand-in OpenBLAS that claims its oldest kernels, tests/shims/) and
// `cnn --version -v`.
#include <catch2/catch.hpp>

#include "cli/blas_relaunch.hpp"
#include "cli/version.hpp"
#include "cli_runner.hpp"
#include "core/cpu_info.hpp"
#include "ops/blas_core.hpp"

using namespace cnn;
using namespace cnn::test;

namespace {

CpuInfo cpu_with(IsaLevel level) {
  CpuInfo cpu;
  const int l = static_cast<int>(level);
  cpu.sse3 = cpu.ssse3 = cpu.sse41 = cpu.sse42 = cpu.popcnt = l >= 1;
  cpu.avx = l >= 2;
  cpu.avx2 = cpu.fma = cpu.bmi2 = l >= 3;
  cpu.avx512f = cpu.avx512bw = cpu.avx512cd = cpu.avx512dq = cpu.avx512vl = l >= 4;
  return cpu;
}

// The kernels of a cnn started in the tests' environment, where OPENBLAS_CORETYPE is unset
// (tests/test_environment.hpp): OpenBLAS's own choice, which this process's OpenBLAS made too, or
// the kernels cnn relaunches itself with when that choice is older than the CPU.
std::string kernels_cnn_runs() {
  const std::string chosen = blas_core_name();
  const std::string better = blas_relaunch_core(detect_cpu(), chosen, nullptr, nullptr);
  return better.empty() ? chosen : better;
}

}  // namespace

TEST_CASE("CpuInfo::level needs every instruction set of a level", "[blas_core]") {
  CHECK(cpu_with(IsaLevel::kBaseline).level() == IsaLevel::kBaseline);
  CHECK(cpu_with(IsaLevel::kV2).level() == IsaLevel::kV2);
  CHECK(cpu_with(IsaLevel::kAvx).level() == IsaLevel::kAvx);
  CHECK(cpu_with(IsaLevel::kV3).level() == IsaLevel::kV3);
  CHECK(cpu_with(IsaLevel::kV4).level() == IsaLevel::kV4);
  CpuInfo no_fma = cpu_with(IsaLevel::kV3);
  no_fma.fma = false;
  CHECK(no_fma.level() == IsaLevel::kAvx);
  CpuInfo knights = cpu_with(IsaLevel::kV4);  // Xeon Phi: AVX-512 F and CD without BW, DQ, VL
  knights.avx512bw = knights.avx512dq = knights.avx512vl = false;
  CHECK(knights.level() == IsaLevel::kV3);
  CHECK(cpu_with(IsaLevel::kV4).feature_list() == "sse4.2 avx avx2 fma avx512f avx512bw avx512cd avx512dq avx512vl");
  CHECK(cpu_with(IsaLevel::kBaseline).feature_list() == "none beyond SSE2");
}

TEST_CASE("detect_cpu reads this CPU, which runs this build's vectors", "[blas_core]") {
  const CpuInfo cpu = detect_cpu();
#if defined(__x86_64__)
  CHECK_FALSE(cpu.vendor.empty());
  CHECK(cpu.family > 0);
#endif
  // The test binary runs, so the CPU has what it was compiled for.
#if defined(__AVX512F__)
  CHECK(cpu.avx512f);
#endif
#if defined(__AVX2__)
  CHECK(cpu.avx2);
#endif
#if defined(__FMA__)
  CHECK(cpu.fma);
#endif
  CHECK_FALSE(build_vector_isa().empty());
}

TEST_CASE("OpenBLAS core names map to their instruction sets", "[blas_core]") {
  CHECK(openblas_core_level("Prescott") == static_cast<int>(IsaLevel::kV2));
  CHECK(openblas_core_level("NEHALEM") == static_cast<int>(IsaLevel::kV2));
  CHECK(openblas_core_level("Sandybridge") == static_cast<int>(IsaLevel::kAvx));
  CHECK(openblas_core_level("Haswell") == static_cast<int>(IsaLevel::kV3));
  CHECK(openblas_core_level("zen") == static_cast<int>(IsaLevel::kV3));
  CHECK(openblas_core_level("SkylakeX") == static_cast<int>(IsaLevel::kV4));
  CHECK(openblas_core_level("Cooperlake") == static_cast<int>(IsaLevel::kV4));
  CHECK(openblas_core_level("") == -1);
  CHECK(openblas_core_level("Neoverse N1") == -1);
}

TEST_CASE("better_openblas_core asks for newer kernels only where OpenBLAS chose older ones", "[blas_core]") {
  // The case that motivated the relaunch: an AVX-512 Xeon that Debian's OpenBLAS 0.3.21 served
  // with Prescott's (SSE3) kernels, 10x slower.
  CHECK(better_openblas_core(cpu_with(IsaLevel::kV4), "Prescott") == "SkylakeX");
  CHECK(better_openblas_core(cpu_with(IsaLevel::kV4), "Haswell") == "SkylakeX");
  CHECK(better_openblas_core(cpu_with(IsaLevel::kV3), "Prescott") == "Haswell");
  CHECK(better_openblas_core(cpu_with(IsaLevel::kAvx), "Nehalem") == "Sandybridge");
  // Right already, or newer than the CPU (someone's OPENBLAS_CORETYPE), or a name unknown here.
  CHECK(better_openblas_core(cpu_with(IsaLevel::kV3), "Zen").empty());
  CHECK(better_openblas_core(cpu_with(IsaLevel::kV3), "Haswell").empty());
  CHECK(better_openblas_core(cpu_with(IsaLevel::kV3), "SkylakeX").empty());
  CHECK(better_openblas_core(cpu_with(IsaLevel::kV4), "SapphireRapids").empty());
  CHECK(better_openblas_core(cpu_with(IsaLevel::kV4), "SomeFutureCore").empty());
  CHECK(better_openblas_core(cpu_with(IsaLevel::kV2), "Prescott").empty());
}

TEST_CASE("blas_relaunch_core never overrides the user and never relaunches twice", "[blas_core]") {
  const CpuInfo cpu = cpu_with(IsaLevel::kV4);
  CHECK(blas_relaunch_core(cpu, "Prescott", nullptr, nullptr) == "SkylakeX");
  CHECK(blas_relaunch_core(cpu, "Prescott", "Prescott", nullptr).empty());
  CHECK(blas_relaunch_core(cpu, "Prescott", nullptr, "Prescott").empty());
  CHECK(blas_relaunch_core(cpu, "SkylakeX", nullptr, nullptr).empty());
}

TEST_CASE("asks_verbose_version takes --version with -v in either order, and nothing else", "[blas_core]") {
  const auto asks = [](std::vector<std::string> words) {
    std::vector<char*> argv;
    static char program[] = "cnn";
    argv.push_back(program);
    for (std::string& w : words) argv.push_back(w.data());
    return asks_verbose_version(static_cast<int>(argv.size()), argv.data());
  };
  CHECK(asks({"--version", "-v"}));
  CHECK(asks({"-v", "--version"}));
  CHECK(asks({"--verbose", "--version"}));
  CHECK_FALSE(asks({"--version"}));
  CHECK_FALSE(asks({"-v"}));
  CHECK_FALSE(asks({"train", "--version", "-v"}));
}

TEST_CASE("cnn --version -v names the CPU, the build's vector width and the BLAS kernels", "[blas_core][cli]") {
  const RunResult r = run_cnn("--version -v");
  REQUIRE(r.exit_code == 0);
  const CpuInfo cpu = detect_cpu();
  CHECK(r.out.find("cnn " CNN_VERSION) != std::string::npos);
  CHECK(r.out.find("CPU: ") != std::string::npos);
  CHECK(r.out.find("CPU instruction set: " + isa_level_name(cpu.level())) != std::string::npos);
  CHECK(r.out.find("kernels built for: " + build_vector_isa()) != std::string::npos);
  CHECK(r.out.find("BLAS: OpenBLAS") != std::string::npos);
  CHECK(r.out.find("BLAS kernels: " + kernels_cnn_runs()) != std::string::npos);
  // The plain form stays two lines.
  const RunResult plain = run_cnn("--version");
  REQUIRE(plain.exit_code == 0);
  CHECK(plain.out.find("CPU:") == std::string::npos);
}

TEST_CASE("a user's OPENBLAS_CORETYPE is kept, and said to be older than the CPU where it is", "[blas_core][cli]") {
  const RunResult r = run_shell("OPENBLAS_CORETYPE=Prescott " CNN_EXE " --version -v");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("BLAS kernels: Prescott (x86-64-v2), set by OPENBLAS_CORETYPE=Prescott") != std::string::npos);
  const std::string better = openblas_core_for(detect_cpu());
  if (!better.empty()) CHECK(r.out.find("older than this CPU: " + better + " would fit it") != std::string::npos);
}

namespace {

// `cnn --version -v` with `variables` (shell assignments or `env -u ...`) in front and the
// stand-in OpenBLAS preloaded, which says "Prescott" until OPENBLAS_CORETYPE is set and then what
// OpenBLAS runs. Under AddressSanitizer the preloaded library comes before ASan's runtime, which
// it accepts if told. Also checks that a command runs normally that way (after a relaunch, its
// arguments intact).
std::string version_under(const std::string& variables) {
  const std::string env = variables + " ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD=" + CNN_FAKE_CORENAME_LIB + " ";
  const RunResult summary = run_shell(env + CNN_EXE " summary " CNN_SOURCE_DIR "/configs/lenet5.cfg");
  INFO(summary.err);
  CHECK(summary.exit_code == 0);
  CHECK(summary.out.find("parameters:            61,706") != std::string::npos);
  const RunResult r = run_shell(env + CNN_EXE " --version -v");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("cnn relaunches itself with kernels that fit the CPU when OpenBLAS chose older ones", "[blas_core][cli]") {
  const std::string wanted = openblas_core_for(detect_cpu());
  if (wanted.empty()) {
    WARN("this CPU has no instruction set newer than OpenBLAS's oldest x86-64 kernels: nothing to relaunch for");
    return;
  }
  // Unset whatever the machine presets: that is the case under test.
  const std::string out = version_under("env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE -u CNN_BLAS_RELAUNCHED");
  CHECK(out.find("BLAS kernels: " + wanted) != std::string::npos);
  CHECK(out.find("set by cnn: OpenBLAS chose Prescott (x86-64-v2), older than this CPU") != std::string::npos);
}

TEST_CASE("with OPENBLAS_CORETYPE preset, as some machines do, cnn keeps it and does not relaunch", "[blas_core][cli]") {
  if (detect_cpu().level() < IsaLevel::kV3) {
    WARN("this CPU cannot run OpenBLAS's Haswell kernels: nothing to preset");
    return;
  }
  // What such a machine's environment holds.
  const std::string out = version_under("OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512");
  CHECK(out.find("BLAS kernels: Haswell (x86-64-v3), set by OPENBLAS_CORETYPE=Haswell") != std::string::npos);
  CHECK(out.find("set by cnn") == std::string::npos);
  const std::string better = better_openblas_core(detect_cpu(), "Haswell");
  if (!better.empty()) CHECK(out.find("older than this CPU: " + better + " would fit it") != std::string::npos);
}
