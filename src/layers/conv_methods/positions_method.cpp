// ConvMethod::kPositions; formulas in positions_method.hpp.
#include "layers/conv_methods/positions_method.hpp"

#include <algorithm>

#include "ops/activation.hpp"
#include "ops/conv_positions.hpp"
#include "ops/fused_pool.hpp"
#include "ops/shifted_rows.hpp"
#include "ops/transpose.hpp"
#include "ops/vec.hpp"

namespace cnn {

PositionsMethod::PositionsMethod(const ConvProblem& p) : Stride1Method(p) {
  const int fp = padded_filters(filters_);
  wide_places_.resize(static_cast<std::size_t>(g_.col_cols()));
  wide_places(g_, wide_places_.data());
  weight_t_ = Tensor(Shape{g_.col_rows(), fp});
  y_t_ = Tensor(Shape{g_.col_cols(), fp});
  dz_t_ = Tensor(y_t_.shape());
  dweight_t_ = Tensor(weight_t_.shape());
  bias_t_ = Tensor(Shape{fp});
}

// weight_t_ = Wᵀ (K x fp; the extra columns keep their zeros).
void PositionsMethod::prepare_weight(const Tensor& weight) {
  const int f = filters_, k = g_.col_rows(), ld = fp();
  for (int o = 0; o < f; ++o)
    for (int i = 0; i < k; ++i) weight_t_[static_cast<std::size_t>(i) * ld + o] = weight[static_cast<std::size_t>(o) * k + i];
}

// x (C, H, W) padded into `padded`, then y_t_ = colᵀ Wᵀ (prepare_weight's), without bias or activation.
void PositionsMethod::product_sample(const float* x, const Tensor& /*weight*/, float* padded) {
  fill_padded_interior(g_, x, padded);
  conv_forward_positions(g_, row_starts_.data(), wide_places_.data(), padded, weight_t_.data(), fp(), y_t_.data());
}

// y (F, OH, OW) out of y_t_, transposed back to NCHW. ReLU (LeNet's case) is applied with the
// bias, the other activations after it, while the sample's output is still in cache.
void PositionsMethod::output_sample(const float* bias, float* y) {
  const int f = filters_, p = g_.col_cols();
  const bool relu = activation_ == Activation::kRelu;
  transpose_block(y_t_.data(), fp(), p, f, y, p);
  for (int o = 0; o < f; ++o) {
    const float b = bias[o];
    float* row = y + static_cast<std::size_t>(o) * p;
    if (relu) {
      for (int q = 0; q < p; ++q) row[q] = relu_of(row[q] + b);
    } else {
      for (int q = 0; q < p; ++q) row[q] += b;
    }
  }
  if (!relu) activation_forward(activation_, y, static_cast<std::size_t>(f) * p);
}

void PositionsMethod::begin_weight_gradient() { dweight_t_.fill(0.0f); }

void PositionsMethod::end_weight_gradient(Tensor& dweight) {
  const int f = filters_, k = g_.col_rows(), fp = this->fp();
  for (int o = 0; o < f; ++o)
    for (int i = 0; i < k; ++i) dweight[static_cast<std::size_t>(o) * k + i] += dweight_t_[static_cast<std::size_t>(i) * fp + o];
}

void PositionsMethod::backward_staged_sample(Tensor& /*dweight*/, float* dx) {
  const int f = filters_, fp = this->fp(), wp = padded_width(g_), ws = wide_stride(g_);
  // Output row oh of every filter becomes positions oh * OW .. of dz_t_.
  for (int oh = 0; oh < g_.out_h; ++oh)
    transpose_block(wide_dz_.data() + oh * wp, ws, f, g_.out_w, dz_t_.data() + static_cast<std::size_t>(oh) * g_.out_w * fp, fp);
  // dWᵀ += col dz_t, over the sample padded again.
  conv_dweight_positions(g_, row_starts_.data(), wide_places_.data(), padded(), dz_t_.data(), fp, dweight_t_.data());
  if (dx != nullptr) input_gradient_sample(dx);
}

// Bias, activation and pool of one sample out of y_t_ (P, fp), with the windows' choices in
// training. Each window's four positions are whole rows of y_t_, so a vector of filters is
// compared at a time, in Pool2d's order (max4_choice's selects, lane by lane); the results go to
// their filters' planes one lane at a time.
void PositionsMethod::pool_sample(const Tensor& bias, float* out, std::int32_t* choice) {
  const bool relu = activation_ == Activation::kRelu;
  const int f = filters_, fp = this->fp(), ow = g_.out_w;
  const int ph = g_.out_h / 2, pw = g_.out_w / 2, pooled_plane = ph * pw;
  for (int o = 0; o < f; ++o) bias_t_[o] = bias[o];  // the extra filters keep bias 0
  for (int i = 0; i < ph; ++i)
    for (int j = 0; j < pw; ++j) {
      const float* q00 = y_t_.data() + static_cast<std::size_t>(2 * i * ow + 2 * j) * fp;
      const float* q01 = q00 + fp;
      const float* q10 = q00 + static_cast<std::size_t>(ow) * fp;
      const float* q11 = q10 + fp;
      const int at = i * pw + j;
      for (int o0 = 0; o0 < f; o0 += kLanes) {
        const Vec b = load(bias_t_.data() + o0);
        VecInt k;
        const Vec v = max4_choice_lanes(biased_lanes(load(q00 + o0), b, relu), biased_lanes(load(q01 + o0), b, relu),
                                        biased_lanes(load(q10 + o0), b, relu), biased_lanes(load(q11 + o0), b, relu), &k);
        const int lanes = std::min(kLanes, f - o0);
        for (int l = 0; l < lanes; ++l) out[(o0 + l) * pooled_plane + at] = v[l];
        if (choice == nullptr) continue;
        if (relu) k = v > Vec{} ? k : VecInt{} + kPoolNoGradient;
        for (int l = 0; l < lanes; ++l) choice[(o0 + l) * pooled_plane + at] = k[l];
      }
    }
}

}  // namespace cnn
