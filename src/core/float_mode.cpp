// Flush-to-zero and denormals-are-zero; see float_mode.hpp.
#include "core/float_mode.hpp"

#if defined(__x86_64__) || (defined(__i386__) && defined(__SSE3__))
#include <pmmintrin.h>
#include <xmmintrin.h>
#define CNN_HAS_MXCSR 1
#endif

namespace cnn {

#ifdef CNN_HAS_MXCSR

void enable_flush_to_zero() {
  _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
  _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);
}

bool flush_to_zero_enabled() {
  constexpr unsigned kBits = _MM_FLUSH_ZERO_MASK | _MM_DENORMALS_ZERO_MASK;  // 0x8040
  return (_mm_getcsr() & kBits) == kBits;
}

#else

void enable_flush_to_zero() {}
bool flush_to_zero_enabled() { return false; }

#endif

}  // namespace cnn
