// Sums over a run of floats for the layers that reduce over a channel's positions (batch norm,
// global average pooling), vectorised with a fixed order: 8 lanes whatever the instruction set
// (Vec8, ops/vec.hpp), lanes added pairwise at the end, the tail after them. The same inputs give
// the same bits on every machine, so a result does not depend on where it ran.
//
//   sum8(x, n)                     Σ x[i]                                 in float
//   shifted_moments(x, n, k, ...)  s1 += Σ (x[i] - k), s2 += Σ (x[i] - k)^2  in double
//   sum_and_dot(a, b, n, ...)      sa += Σ a[i],       sab += Σ a[i] b[i]    in double
// (the last two add to what s1/s2 or sa/sab already hold.)
//
// Batch norm's variance is E[(x - k)^2] - E[x - k]^2: with k near the mean (the running mean)
// and double sums there is no cancellation worth the name, and one pass and one collective
// (core/batch_reducer.hpp) suffice.
#pragma once

#include <cstddef>

namespace cnn {

float sum8(const float* x, std::size_t n);
void shifted_moments(const float* x, std::size_t n, double k, double* s1, double* s2);
void sum_and_dot(const float* a, const float* b, std::size_t n, double* sa, double* sab);

}  // namespace cnn
