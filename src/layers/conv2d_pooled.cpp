// Conv2d's fused inference path: convolution, bias, ReLU and the 2x2 max pool that follows, in
// one pass per sample out of the product's own buffer (Layer::forward_max_pooled_2x2; Net::forward
// uses it in Mode::kInfer). The numbers are exactly those of the separate layers.
#include "layers/conv2d.hpp"

#include "core/error.hpp"
#include "ops/shifted_rows.hpp"

namespace cnn {

// The fused bias + activation + 2x2 max pool of one sample, written so that the compiler
// vectorises it (a generic element accessor made the fused pass slower than the two it
// replaces). Exactly forward's numbers: bias, then ReLU, then Pool2d's comparisons in order.
namespace {

inline float biased(float v, float b, bool relu) { return relu ? relu_of(v + b) : v + b; }

inline float max4(float v00, float v01, float v10, float v11) {
  float v = v00;
  v = v01 > v ? v01 : v;
  v = v10 > v ? v10 : v;
  return v11 > v ? v11 : v;
}

}  // namespace

// kShiftedRows: wide_ is (F, OH * WP); vectorised along a row of the output. With ReLU every
// value is +0 or positive (ReLU maps NaN and -0 to +0), so the four-way maximum does not depend
// on the order of comparisons: the two rows are combined first (plain contiguous vectors), then
// neighbouring columns. Without an activation NaN and -0 can occur, so Pool2d's order is kept.
void Conv2d::pool_wide_sample(bool relu, float* out) {
  const int wp = padded_width(geom_), wide = wide_size(geom_), ph = geom_.out_h / 2, pw = geom_.out_w / 2;
  float* rows_max = rows_max_.data();  // (2 * pw)
  for (int o = 0; o < config_.filters; ++o) {
    const float b = bias_[o];
    for (int i = 0; i < ph; ++i, out += pw) {
      const float* r0 = wide_.data() + static_cast<std::size_t>(o) * wide + 2 * i * wp;
      const float* r1 = r0 + wp;
      if (relu) {
        for (int w = 0; w < 2 * pw; ++w) {
          const float a = relu_of(r0[w] + b), c = relu_of(r1[w] + b);
          rows_max[w] = c > a ? c : a;
        }
        for (int j = 0; j < pw; ++j) out[j] = rows_max[2 * j + 1] > rows_max[2 * j] ? rows_max[2 * j + 1] : rows_max[2 * j];
      } else {
        for (int j = 0; j < pw; ++j)
          out[j] = max4(r0[2 * j] + b, r0[2 * j + 1] + b, r1[2 * j] + b, r1[2 * j + 1] + b);
      }
    }
  }
}

// kPositions: y_t_ is (P, fp), filters contiguous; vectorised along the filters.
void Conv2d::pool_positions_sample(bool relu, float* out) {
  const int f = config_.filters, fp = weight_t_.shape()[1], ow = geom_.out_w;
  const int ph = geom_.out_h / 2, pw = geom_.out_w / 2, pooled_plane = ph * pw;
  for (int i = 0; i < ph; ++i)
    for (int j = 0; j < pw; ++j) {
      const float* q00 = y_t_.data() + static_cast<std::size_t>(2 * i * ow + 2 * j) * fp;
      const float* q01 = q00 + fp;
      const float* q10 = q00 + static_cast<std::size_t>(ow) * fp;
      const float* q11 = q10 + fp;
      float* dst = out + i * pw + j;
      for (int o = 0; o < f; ++o) {
        const float b = bias_[o];
        dst[o * pooled_plane] =
            max4(biased(q00[o], b, relu), biased(q01[o], b, relu), biased(q10[o], b, relu), biased(q11[o], b, relu));
      }
    }
}

const Tensor* Conv2d::forward_max_pooled_2x2(const Tensor& x) {
  const bool stride1 = method_ == Method::kShiftedRows || method_ == Method::kPositions;
  const bool relu = config_.activation == Activation::kRelu;
  if (!stride1 || !(relu || config_.activation == Activation::kNone)) return nullptr;
  const int n = x.shape()[0];
  CNN_CHECK(x.shape() == Shape({n, geom_.channels, geom_.height, geom_.width}), "conv: input {} does not match setup",
            x.shape().str());
  backward_ready_ = false;
  const int f = config_.filters, ph = geom_.out_h / 2, pw = geom_.out_w / 2;
  pooled_.resize(Shape{n, f, ph, pw});
  if (method_ == Method::kPositions) transpose_weight();
  const std::size_t in_stride = static_cast<std::size_t>(geom_.channels) * geom_.height * geom_.width;
  for (int s = 0; s < n; ++s) {
    product_sample(x.data() + s * in_stride, padded_sample(0));
    float* out = pooled_.data() + static_cast<std::size_t>(s) * f * ph * pw;
    if (method_ == Method::kShiftedRows) {
      pool_wide_sample(relu, out);
    } else {
      pool_positions_sample(relu, out);
    }
  }
  return &pooled_;
}

}  // namespace cnn
