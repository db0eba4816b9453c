// The generated network's C kernels; see c_kernels.hpp. Each is C99 with int sizes (the export
// refuses a network whose sizes do not fit a 32-bit int) and no dynamic memory.
#include "c_export/c_kernels.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace cnn {
namespace {

// In the order they are written; a kernel may call only kernels before it.
const CKernel kKernels[] = {
    {"normalize", false, R"(/* x (C, P) -> y = (x - mean[c]) / std[c], cnn's normalisation of the input. */
static void normalize(const float *x, int channels, int positions, const float *mean, const float *deviation, float *y) {
    int c, i;
    for (c = 0; c < channels; ++c)
        for (i = 0; i < positions; ++i) y[c * positions + i] = (x[c * positions + i] - mean[c]) / deviation[c];
}
)", {}},
    {"conv2d", false, R"(/* y (F, OH, OW) = the cross-correlation of x (C, H, W) with weight (F, C / groups, KH, KW),
   strides (sh, sw), dilations (dh, dw), padding of zeros pt rows above and pl columns left (the
   rest of the padding follows from OH and OW), plus bias (none when null). */
static void conv2d(const float *x, int c, int h, int w, const float *weight, const float *bias, int f, int kh, int kw,
                   int sh, int sw, int pt, int pl, int dh, int dw, int groups, int oh, int ow, float *y) {
    const int cg = c / groups, fg = f / groups;
    int o, i, j, ci, a, b;
    for (o = 0; o < f; ++o) {
        const float *wo = weight + o * cg * kh * kw;
        const float *xg = x + (o / fg) * cg * h * w;
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
                float sum = bias ? bias[o] : 0.0f;
                for (ci = 0; ci < cg; ++ci) {
                    const float *xc = xg + ci * h * w;
                    const float *wc = wo + ci * kh * kw;
                    for (a = a0; a < a1; ++a)
                        for (b = b0; b < b1; ++b) sum += xc[(r0 + a * dh) * w + s0 + b * dw] * wc[a * kw + b];
                }
                y[(o * oh + i) * ow + j] = sum;
            }
        }
    }
}
)", {}},
    {"pool2d", false, R"(/* y (C, OH, OW): the max (is_max) or the mean of each kh x kw window of x (C, H, W), strides
   (sh, sw), windows starting pt rows above and pl columns left of the input; only the window's
   real elements count (the first maximum wins a tie; the mean divides by their number). */
static void pool2d(const float *x, int c, int h, int w, int kh, int kw, int sh, int sw, int pt, int pl, int oh, int ow,
                   int is_max, float *y) {
    int ch, i, j, r, s;
    for (ch = 0; ch < c; ++ch) {
        const float *xc = x + ch * h * w;
        for (i = 0; i < oh; ++i) {
            const int r0 = i * sh - pt, r_first = r0 < 0 ? 0 : r0, r_end = r0 + kh > h ? h : r0 + kh;
            for (j = 0; j < ow; ++j) {
                const int s0 = j * sw - pl, s_first = s0 < 0 ? 0 : s0, s_end = s0 + kw > w ? w : s0 + kw;
                float best = xc[r_first * w + s_first], sum = 0.0f;
                for (r = r_first; r < r_end; ++r)
                    for (s = s_first; s < s_end; ++s) {
                        const float v = xc[r * w + s];
                        if (v > best) best = v;
                        sum += v;
                    }
                y[(ch * oh + i) * ow + j] = is_max ? best : sum * (1.0f / (float)((r_end - r_first) * (s_end - s_first)));
            }
        }
    }
}
)", {}},
    {"dense", false, R"(/* y (U) = weight (U, D) x (D) + bias. */
static void dense(const float *x, int d, const float *weight, const float *bias, int u, float *y) {
    int o, k;
    for (o = 0; o < u; ++o) {
        const float *wo = weight + o * d;
        float sum = 0.0f;
        for (k = 0; k < d; ++k) sum += wo[k] * x[k];
        y[o] = sum + bias[o];
    }
}
)", {}},
    {"scale_shift", false, R"(/* y (C, P) = x * scale[c] + shift[c]: batch norm at inference, its statistics folded in. */
static void scale_shift(const float *x, int channels, int positions, const float *scale, const float *shift, float *y) {
    int c, i;
    for (c = 0; c < channels; ++c)
        for (i = 0; i < positions; ++i) y[c * positions + i] = x[c * positions + i] * scale[c] + shift[c];
}
)", {}},
    {"global_avg_pool", false, R"(/* y (C) = the mean of each channel of x (C, P). */
static void global_avg_pool(const float *x, int channels, int positions, float *y) {
    int c, i;
    for (c = 0; c < channels; ++c) {
        float sum = 0.0f;
        for (i = 0; i < positions; ++i) sum += x[c * positions + i];
        y[c] = sum * (1.0f / (float)positions);
    }
}
)", {}},
    {"global_max_pool", false, R"(/* y (C) = the largest value of each channel of x (C, P). */
static void global_max_pool(const float *x, int channels, int positions, float *y) {
    int c, i;
    for (c = 0; c < channels; ++c) {
        float best = x[c * positions];
        for (i = 1; i < positions; ++i)
            if (x[c * positions + i] > best) best = x[c * positions + i];
        y[c] = best;
    }
}
)", {}},
    {"add", false, R"(/* y = a + b, n values (y may be a). */
static void add(const float *a, const float *b, int n, float *y) {
    int i;
    for (i = 0; i < n; ++i) y[i] = a[i] + b[i];
}
)", {}},
    {"concat_into", false, R"(/* Copies n values of x to y (an input's channels into a concatenation). */
static void concat_into(const float *x, int n, float *y) {
    int i;
    for (i = 0; i < n; ++i) y[i] = x[i];
}
)", {}},
    {"act_relu", false, R"(static void act_relu(float *y, int n) {
    int i;
    for (i = 0; i < n; ++i) y[i] = y[i] > 0.0f ? y[i] : 0.0f;
}
)", {}},
    {"act_tanh", true, R"(static void act_tanh(float *y, int n) {
    int i;
    for (i = 0; i < n; ++i) y[i] = tanhf(y[i]);
}
)", {}},
    {"act_sigmoid", true, R"(static void act_sigmoid(float *y, int n) {
    int i;
    for (i = 0; i < n; ++i) y[i] = 1.0f / (1.0f + expf(-y[i]));
}
)", {}},
    {"act_scaled_tanh", true, R"(/* LeCun's 1.7159 tanh(2x / 3). */
static void act_scaled_tanh(float *y, int n) {
    int i;
    for (i = 0; i < n; ++i) y[i] = 1.7159f * tanhf(0.666666687f * y[i]);
}
)", {}},
    {"act_silu", true, R"(/* x sigmoid(x). */
static void act_silu(float *y, int n) {
    int i;
    for (i = 0; i < n; ++i) y[i] = y[i] * (1.0f / (1.0f + expf(-y[i])));
}
)", {}},
    {"act_gelu", true, R"(/* x / 2 (1 + erf(x / sqrt 2)): PyTorch's exact GELU. */
static void act_gelu(float *y, int n) {
    int i;
    for (i = 0; i < n; ++i) y[i] = (1.0f + erff(y[i] / 1.41421354f)) * y[i] * 0.5f;
}
)", {}},
    {"act_gelu_tanh", true, R"(/* x / 2 (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))): GELU's tanh form. */
static void act_gelu_tanh(float *y, int n) {
    int i;
    for (i = 0; i < n; ++i) {
        const float x = y[i];
        y[i] = (1.0f + tanhf((x * x * x * 0.0447149985f + x) * 0.797884583f)) * x * 0.5f;
    }
}
)", {}},
    {"leaky_relu", false, R"(/* y = x for x > 0, slope x elsewhere. */
static void leaky_relu(const float *x, int n, float slope, float *y) {
    int i;
    for (i = 0; i < n; ++i) y[i] = (x[i] > 0.0f ? 1.0f : slope) * x[i];
}
)", {}},
    {"softmax", true, R"(/* probabilities = softmax(logits); returns the index of the largest logit (the first on a tie). */
static int softmax(const float *logits, int n, float *probabilities) {
    int i, best = 0;
    float sum = 0.0f;
    for (i = 1; i < n; ++i)
        if (logits[i] > logits[best]) best = i;
    for (i = 0; i < n; ++i) {
        probabilities[i] = expf(logits[i] - logits[best]);
        sum += probabilities[i];
    }
    for (i = 0; i < n; ++i) probabilities[i] /= sum;
    return best;
}
)", {}},
};

const CKernel* find_kernel(const std::string& name) {
  for (const CKernel& k : kKernels)
    if (name == k.name) return &k;
  for (const CKernel& k : int8_c_kernels())
    if (name == k.name) return &k;
  return nullptr;
}

const CKernel& kernel(const std::string& name) {
  const CKernel* k = find_kernel(name);
  CNN_CHECK_CODE(k != nullptr, ExitCode::kInternal, "no C kernel '{}'", name);
  return *k;
}

// `name` and every kernel it needs, into `out`.
void add_with_needs(const std::string& name, std::vector<std::string>& out) {
  if (std::find(out.begin(), out.end(), name) != out.end()) return;
  out.push_back(name);
  for (const std::string& need : kernel(name).needs) add_with_needs(need, out);
}

}  // namespace

std::string c_kernel_source(const std::vector<std::string>& names) {
  std::vector<std::string> all;
  for (const std::string& name : names) add_with_needs(name, all);
  std::string s;
  for (const CKernel& k : kKernels)
    if (std::find(all.begin(), all.end(), k.name) != all.end()) s += std::string(k.source) + "\n";
  for (const CKernel& k : int8_c_kernels())
    if (std::find(all.begin(), all.end(), k.name) != all.end()) s += std::string(k.source) + "\n";
  return s;
}

bool c_kernel_uses_math(const std::string& name) { return kernel(name).math; }

}  // namespace cnn
