// Stride-1 convolution kernels with output positions as rows and filters along the vector, for
// layers with many filters (LeNet's conv2: 16 filters = two AVX2 vectors). They read the shifted
// rows of the once-padded sample in place (ops/shifted_rows.hpp), like the few-filter path, but
// walk only the valid output positions, so unlike the wide grid no work is thrown away.
//
//   q = oh * OW + ow (an output position), pos(q) = oh * WP + ow (its place on the wide grid),
//   rows[p] = start of col's row p in the padded sample, K = C * kh * kw, fp = filters rounded up
//   to a whole vector (the extra filters have zero weights and are ignored).
//
//   forward:  y_t(P x fp)   = colᵀ wt,   y_t[q][o] = Σ_p padded[rows[p] + pos(q)] wt[p][o]
//   dW:       dwt(K x fp)  += col dz_t,  dwt[p][o] += Σ_q padded[rows[p] + pos(q)] dz_t[q][o]
//
// The results are filter-minor (transposed against NCHW); Conv2d transposes them back once per
// sample (y) or once per batch (dW).
#pragma once

#include "ops/im2col.hpp"

namespace cnn {

// The filter count rounded up to a whole number of vectors: the row length of wt, y_t and dz_t.
int padded_filters(int filters);

// at[q] = pos(q) for every output position (P entries), the table both kernels walk.
void wide_places(const ConvGeometry& g, int* at);

void conv_forward_positions(const ConvGeometry& g, const int* rows, const int* at, const float* padded, const float* wt, int fp,
                            float* y_t);
void conv_dweight_positions(const ConvGeometry& g, const int* rows, const int* at, const float* padded, const float* dz_t, int fp,
                            float* dwt);

}  // namespace cnn
