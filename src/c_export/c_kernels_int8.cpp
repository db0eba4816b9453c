// The int8 network's C kernels (c_kernels.hpp): integers only, <stdint.h> types, the arithmetic of
// quant/fixed_point.hpp line for line, so that the generated C computes what `cnn export --int8`
// measured (quant/int8_run.cpp) bit for bit. Every value x of an int8 tensor stands for
// s (x - z); a kernel gets the zero points it needs, the scales are folded into its factors.
#include "c_export/c_kernels.hpp"

namespace cnn {

const std::vector<CKernel>& int8_c_kernels() {
  static const std::vector<CKernel> kernels = {
      {"q_round_shift", false, R"(/* round(v / 2^shift), halves away from zero, shift in [1, 62] (no right shift of a negative number). */
static int64_t q_round_shift(int64_t v, int shift) {
    const int64_t half = (int64_t)1 << (shift - 1);
    return v >= 0 ? (v + half) >> shift : -((half - v) >> shift);
}
)", {}},
      {"q_saturate", false, R"(/* v clamped to [low, 127]. */
static int8_t q_saturate(int64_t v, int low) {
    return (int8_t)(v < low ? low : v > 127 ? 127 : v);
}
)", {}},
      {"q_requantize", false, R"(/* zy + round(acc m / 2^shift), clamped to [low, 127]: an int32 accumulator back to int8. */
static int8_t q_requantize(int32_t acc, int32_t m, int shift, int zy, int low) {
    return q_saturate(zy + q_round_shift((int64_t)acc * m, shift), low);
}
)", {"q_round_shift", "q_saturate"}},
      {"q_conv2d", false, R"(/* y (F, OH, OW): the cross-correlation of x (C, H, W) less its zero point zx with weight
   (F, C / groups, KH, KW), strides (sh, sw), dilations (dh, dw), padding pt rows above and pl
   columns left (a padded value is zx: it adds nothing), plus bias, requantized by m[o] / 2^shift[o]. */
static void q_conv2d(const int8_t *x, int zx, int c, int h, int w, const int8_t *weight, const int32_t *bias,
                     const int32_t *m, const uint8_t *shift, int f, int kh, int kw, int sh, int sw, int pt, int pl,
                     int dh, int dw, int groups, int oh, int ow, int zy, int low, int8_t *y) {
    const int cg = c / groups, fg = f / groups;
    int o, i, j, ci, a, b;
    for (o = 0; o < f; ++o) {
        const int8_t *wo = weight + o * cg * kh * kw;
        const int8_t *xg = x + (o / fg) * cg * h * w;
        for (i = 0; i < oh; ++i) {
            /* The taps that fall inside x, found once per row and column so that the sums below
               test nothing: rows r0 + a dh for a0 <= a < a1, columns s0 + b dw for b0 <= b < b1. */
            const int r0 = i * sh - pt;
            const int a0 = r0 < 0 ? (dh - 1 - r0) / dh : 0;
            const int a1 = r0 + (kh - 1) * dh < h ? kh : r0 >= h ? 0 : (h - 1 - r0) / dh + 1;
            for (j = 0; j < ow; ++j) {
                const int s0 = j * sw - pl;
                const int b0 = s0 < 0 ? (dw - 1 - s0) / dw : 0;
                const int b1 = s0 + (kw - 1) * dw < w ? kw : s0 >= w ? 0 : (w - 1 - s0) / dw + 1;
                int32_t acc = bias[o];
                for (ci = 0; ci < cg; ++ci) {
                    const int8_t *xc = xg + ci * h * w;
                    const int8_t *wc = wo + ci * kh * kw;
                    for (a = a0; a < a1; ++a)
                        for (b = b0; b < b1; ++b) acc += (xc[(r0 + a * dh) * w + s0 + b * dw] - zx) * wc[a * kw + b];
                }
                y[(o * oh + i) * ow + j] = q_requantize(acc, m[o], shift[o], zy, low);
            }
        }
    }
}
)", {"q_requantize"}},
      {"q_dense", false, R"(/* y (U) = weight (U, D) (x - zx) + bias, requantized by m[o] / 2^shift[o]. */
static void q_dense(const int8_t *x, int zx, int d, const int8_t *weight, const int32_t *bias, const int32_t *m,
                    const uint8_t *shift, int u, int zy, int low, int8_t *y) {
    int o, k;
    for (o = 0; o < u; ++o) {
        const int8_t *wo = weight + o * d;
        int32_t acc = bias[o];
        for (k = 0; k < d; ++k) acc += (x[k] - zx) * wo[k];
        y[o] = q_requantize(acc, m[o], shift[o], zy, low);
    }
}
)", {"q_requantize"}},
      {"q_scale_shift", false, R"(/* y (C, P) = (x - zx) weight[c] + bias[c], requantized per channel: a batch norm. */
static void q_scale_shift(const int8_t *x, int zx, int channels, int positions, const int8_t *weight,
                          const int32_t *bias, const int32_t *m, const uint8_t *shift, int zy, int low, int8_t *y) {
    int c, i;
    for (c = 0; c < channels; ++c)
        for (i = 0; i < positions; ++i)
            y[c * positions + i] = q_requantize((x[c * positions + i] - zx) * weight[c] + bias[c], m[c], shift[c], zy, low);
}
)", {"q_requantize"}},
      {"q_mean", false, R"(/* round(sum / count), halves away from zero. */
static int32_t q_mean(int32_t sum, int32_t count) {
    return (2 * sum + (sum >= 0 ? count : -count)) / (2 * count);
}
)", {}},
      {"q_pool2d", false, R"(/* y (C, OH, OW): the max (is_max) or the mean of each kh x kw window of x (C, H, W), as the
   float pool2d; the values keep their scale and zero point z. */
static void q_pool2d(const int8_t *x, int z, int c, int h, int w, int kh, int kw, int sh, int sw, int pt, int pl,
                     int oh, int ow, int is_max, int8_t *y) {
    int ch, i, j, r, s;
    for (ch = 0; ch < c; ++ch) {
        const int8_t *xc = x + ch * h * w;
        for (i = 0; i < oh; ++i) {
            const int r0 = i * sh - pt, r_first = r0 < 0 ? 0 : r0, r_end = r0 + kh > h ? h : r0 + kh;
            for (j = 0; j < ow; ++j) {
                const int s0 = j * sw - pl, s_first = s0 < 0 ? 0 : s0, s_end = s0 + kw > w ? w : s0 + kw;
                int best = xc[r_first * w + s_first];
                int32_t sum = 0;
                for (r = r_first; r < r_end; ++r)
                    for (s = s_first; s < s_end; ++s) {
                        if (xc[r * w + s] > best) best = xc[r * w + s];
                        sum += xc[r * w + s] - z;
                    }
                y[(ch * oh + i) * ow + j] =
                    is_max ? (int8_t)best : q_saturate(z + q_mean(sum, (r_end - r_first) * (s_end - s_first)), -128);
            }
        }
    }
}
)", {"q_saturate", "q_mean"}},
      {"q_global_pool", false, R"(/* y (C): the max (is_max) or the mean of each channel of x (C, P), scale and zero point z kept. */
static void q_global_pool(const int8_t *x, int z, int channels, int positions, int is_max, int8_t *y) {
    int c, i;
    for (c = 0; c < channels; ++c) {
        const int8_t *xc = x + c * positions;
        int best = xc[0];
        int32_t sum = 0;
        for (i = 0; i < positions; ++i) {
            if (xc[i] > best) best = xc[i];
            sum += xc[i] - z;
        }
        y[c] = is_max ? (int8_t)best : q_saturate(z + q_mean(sum, positions), -128);
    }
}
)", {"q_saturate", "q_mean"}},
      {"q_lookup", false, R"(/* y = table[x + 128], n values (y may be x): an activation, computed when the model was exported. */
static void q_lookup(const int8_t *x, int n, const int8_t *table, int8_t *y) {
    int i;
    for (i = 0; i < n; ++i) y[i] = table[x[i] + 128];
}
)", {}},
      {"q_add", false, R"(/* y = zy + round(sum over the inputs k of (x_k - z_k) m_k / 2^shift), n values, clamped to
   [low, 127] (y may be the first input). */
static void q_add(const int8_t *const *inputs, const int *z, const int32_t *m, int count, int n, int shift, int zy,
                  int low, int8_t *y) {
    int i, k;
    for (i = 0; i < n; ++i) {
        int64_t sum = 0;
        for (k = 0; k < count; ++k) sum += (int64_t)(inputs[k][i] - z[k]) * m[k];
        y[i] = q_saturate(zy + q_round_shift(sum, shift), low);
    }
}
)", {"q_round_shift", "q_saturate"}},
      {"q_rescale", false, R"(/* y = zy + round((x - zx) m / 2^shift), n values: an input of a concatenation at its scale. */
static void q_rescale(const int8_t *x, int zx, int n, int32_t m, int shift, int zy, int8_t *y) {
    int i;
    for (i = 0; i < n; ++i) y[i] = q_saturate(zy + q_round_shift((int64_t)(x[i] - zx) * m, shift), -128);
}
)", {"q_round_shift", "q_saturate"}},
      {"q_argmax", false, R"(/* The index of the largest of n values, the first on a tie. */
static int q_argmax(const int8_t *x, int n) {
    int i, best = 0;
    for (i = 1; i < n; ++i)
        if (x[i] > x[best]) best = i;
    return best;
}
)", {}},
  };
  return kernels;
}

}  // namespace cnn
