// Channel sums; see channel_sums.hpp.
#include "ops/channel_sums.hpp"

#include "ops/vec.hpp"

namespace cnn {
namespace {

typedef double Vec4d __attribute__((vector_size(4 * sizeof(double))));

inline Vec4d low_half(Vec8 v) { return __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3), Vec4d); }
inline Vec4d high_half(Vec8 v) { return __builtin_convertvector(__builtin_shufflevector(v, v, 4, 5, 6, 7), Vec4d); }
inline Vec4d splat4(double x) { return Vec4d{x, x, x, x}; }
inline double lanes_sum(Vec4d lo, Vec4d hi) {
  const Vec4d s = lo + hi;
  return (s[0] + s[1]) + (s[2] + s[3]);
}

}  // namespace

float sum8(const float* x, std::size_t n) {
  Vec8 acc{};
  std::size_t i = 0;
  for (; i + kLanes8 <= n; i += kLanes8) acc += load8(x + i);
  float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; i < n; ++i) s += x[i];
  return s;
}

void shifted_moments(const float* x, std::size_t n, double k, double* s1, double* s2) {
  const Vec4d kv = splat4(k);
  Vec4d a_lo{}, a_hi{}, q_lo{}, q_hi{};
  std::size_t i = 0;
  for (; i + kLanes8 <= n; i += kLanes8) {
    const Vec8 v = load8(x + i);
    const Vec4d lo = low_half(v) - kv, hi = high_half(v) - kv;
    a_lo += lo;
    a_hi += hi;
    q_lo += lo * lo;
    q_hi += hi * hi;
  }
  double a = lanes_sum(a_lo, a_hi), q = lanes_sum(q_lo, q_hi);
  for (; i < n; ++i) {
    const double d = static_cast<double>(x[i]) - k;
    a += d;
    q += d * d;
  }
  *s1 += a;
  *s2 += q;
}

void sum_and_dot(const float* a, const float* b, std::size_t n, double* sa, double* sab) {
  Vec4d s_lo{}, s_hi{}, d_lo{}, d_hi{};
  std::size_t i = 0;
  for (; i + kLanes8 <= n; i += kLanes8) {
    const Vec8 va = load8(a + i), vb = load8(b + i);
    const Vec4d alo = low_half(va), ahi = high_half(va);
    s_lo += alo;
    s_hi += ahi;
    d_lo += alo * low_half(vb);
    d_hi += ahi * high_half(vb);
  }
  double s = lanes_sum(s_lo, s_hi), d = lanes_sum(d_lo, d_hi);
  for (; i < n; ++i) {
    s += a[i];
    d += static_cast<double>(a[i]) * b[i];
  }
  *sa += s;
  *sab += d;
}

}  // namespace cnn
