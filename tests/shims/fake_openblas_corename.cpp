// A stand-in for OpenBLAS's openblas_get_corename, loaded with LD_PRELOAD by tests/test_blas_core.cpp:
// it makes OpenBLAS look as if it had chosen its oldest x86-64 kernels ("Prescott"), as Debian's
// OpenBLAS 0.3.21 does on CPUs newer than it knows, unless OPENBLAS_CORETYPE is set, in which case
// it answers what the real library says. This lets the test watch cnn relaunch itself on any CPU.
#include <dlfcn.h>

#include <cstdlib>

extern "C" char* openblas_get_corename(void) {
  static char prescott[] = "Prescott";
  static char unknown[] = "unknown";
  if (std::getenv("OPENBLAS_CORETYPE") == nullptr) return prescott;
  using CoreName = char* (*)(void);
  const auto real = reinterpret_cast<CoreName>(dlsym(RTLD_NEXT, "openblas_get_corename"));
  return real != nullptr ? real() : unknown;
}
