// The stride-1 methods' shared buffers and backward steps; see stride1_method.hpp.
#include "layers/conv_methods/stride1_method.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "ops/activation.hpp"
#include "ops/fused_pool.hpp"
#include "ops/shifted_rows.hpp"
#include "ops/small_gemm.hpp"
#include "ops/vec.hpp"

namespace cnn {

bool Stride1Method::applies(const ConvProblem& p) {
  const ConvGeometry& g = p.geom;
  return p.groups == 1 && g.stride_h == 1 && g.stride_w == 1 && padded_size(g) <= kMaxSampleElements &&
         saturating_product({std::uint64_t(g.col_rows()), std::uint64_t(g.out_h), std::uint64_t(padded_width(g))}) <=
             kMaxSampleElements;
}

bool Stride1Method::has_max_pooled_2x2() const {
  // The pooled pass applies ReLU itself; other activations would need their own pass first.
  return activation_ == Activation::kRelu || activation_ == Activation::kNone;
}

Stride1Method::Stride1Method(const ConvProblem& p)
    : g_(p.geom), filters_(p.filters), activation_(p.activation), has_bias_(p.bias) {
  // The bias-free layer's stand-in for the bias in the copy-out and pool passes (conv_method.hpp).
  if (!has_bias_) no_bias_ = Tensor(Shape{filters_}, -0.0f);
  const int k = g_.col_rows();
  row_starts_.resize(static_cast<std::size_t>(k));
  shifted_row_starts(g_, row_starts_.data());
  // The input gradient adds rows of Wᵀ dz into the padded image a tile of rows at a time. Rows
  // of one kernel column (i, j) across channels are a whole plane apart, so ordering them
  // (i, j, c) keeps a tile's rows from overlapping; in col's (c, i, j) order neighbours overlap
  // by all but one float and every tile's stores stall the next row's loads (measured: the
  // product took 25 % of a training step instead of about 13 %).
  for (int i = 0; i < g_.kernel_h; ++i)
    for (int j = 0; j < g_.kernel_w; ++j)
      for (int c = 0; c < g_.channels; ++c) dx_order_.push_back((c * g_.kernel_h + i) * g_.kernel_w + j);
  dx_row_starts_.resize(dx_order_.size());
  for (std::size_t r = 0; r < dx_order_.size(); ++r) dx_row_starts_[r] = row_starts_[static_cast<std::size_t>(dx_order_[r])];
  weight_dx_ = Tensor(Shape{k, filters_});
  padded_ = Tensor(Shape{static_cast<int>(padded_size(g_))});
  dpadded_ = Tensor(Shape{static_cast<int>(padded_size(g_))});
  wide_dz_ = Tensor(Shape{filters_, wide_stride(g_)});
}

// weight_dx_ = Wᵀ with its rows in dx_order_ (see the constructor).
void Stride1Method::order_weight_for_input_gradient(const Tensor& weight) {
  const int f = filters_, k = g_.col_rows();
  for (int r = 0; r < k; ++r) {
    const std::size_t i = static_cast<std::size_t>(dx_order_[static_cast<std::size_t>(r)]);
    for (int o = 0; o < f; ++o) weight_dx_[static_cast<std::size_t>(r) * f + o] = weight[static_cast<std::size_t>(o) * k + i];
  }
}

void Stride1Method::begin_backward(const Tensor& y, const Tensor& dy, const Tensor& weight, bool input_gradient) {
  if (activation_ != Activation::kRelu && activation_ != Activation::kNone) {
    dz_.resize(y.shape());
    activation_backward(activation_, y.data(), dy.data(), dz_.data(), dy.size());
  }
  if (input_gradient) order_weight_for_input_gradient(weight);
}

// With ReLU, dz = dy where y > 0 is formed here from y and dy, in the same pass, instead of a pass
// over the whole batch's dz first; otherwise begin_backward has formed dz_.
void Stride1Method::stage_dz_sample(int s, const Tensor& y, const Tensor& dy, Tensor& dbias) {
  const std::size_t sample = static_cast<std::size_t>(s) * filters_ * g_.col_cols();
  if (activation_ == Activation::kRelu) {
    stage_dz_rows(y.data() + sample, dy.data() + sample, has_bias_ ? dbias.data() : nullptr);
  } else if (activation_ == Activation::kNone) {
    stage_dz_rows(nullptr, dy.data() + sample, has_bias_ ? dbias.data() : nullptr);
  } else {
    stage_dz_rows(nullptr, dz_.data() + sample, has_bias_ ? dbias.data() : nullptr);
  }
}

// One sample's rows of dz (with y: of dy, masked where y is not positive) onto wide_dz_.
void Stride1Method::stage_dz_rows(const float* y, const float* dz, float* dbias) {
  const int f = filters_, p = g_.col_cols();
  const int wp = padded_width(g_), ws = wide_stride(g_);
  for (int o = 0; o < f; ++o) {
    float* wide = wide_dz_.data() + static_cast<std::size_t>(o) * ws;
    for (int oh = 0; oh < g_.out_h; ++oh) {
      const std::size_t first = static_cast<std::size_t>(o) * p + static_cast<std::size_t>(oh) * g_.out_w;
      if (y != nullptr) {
        relu_backward_row(y + first, dz + first, g_.out_w, wide + oh * wp);
      } else {
        copy_row(dz + first, g_.out_w, wide + oh * wp);
      }
    }
    // The extra positions are zero, so the whole wide row sums to the sum over the output.
    if (dbias != nullptr) dbias[o] += sum_of(wide, ws);
  }
}

void Stride1Method::forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Mode /*mode*/, Tensor& y) {
  const int n = x.shape()[0];
  const std::size_t in_stride = static_cast<std::size_t>(g_.channels) * g_.height * g_.width;
  const std::size_t out_stride = static_cast<std::size_t>(filters_) * g_.col_cols();
  prepare_weight(weight);
  for (int s = 0; s < n; ++s) {
    product_sample(x.data() + s * in_stride, weight, padded());
    output_sample(has_bias_ ? bias.data() : no_bias_.data(), y.data() + s * out_stride);
  }
}

void Stride1Method::backward(const Tensor& x, const Tensor& y, const Tensor& dy, const Tensor& weight, Tensor& dweight,
                             Tensor& dbias, Tensor* dx) {
  const int n = y.shape()[0];
  const std::size_t in_stride = static_cast<std::size_t>(g_.channels) * g_.height * g_.width;
  begin_backward(y, dy, weight, dx != nullptr);
  begin_weight_gradient();
  for (int s = 0; s < n; ++s) {
    stage_dz_sample(s, y, dy, dbias);
    fill_padded_interior(g_, x.data() + s * in_stride, padded());
    backward_staged_sample(dweight, dx != nullptr ? dx->data() + s * in_stride : nullptr);
  }
  end_weight_gradient(dweight);
}

void Stride1Method::forward_max_pooled_2x2(const Tensor& x, const Tensor& weight, const Tensor& bias, Mode mode,
                                           Tensor& pooled, std::int32_t* choice) {
  const int n = x.shape()[0];
  const std::size_t in_stride = static_cast<std::size_t>(g_.channels) * g_.height * g_.width;
  const std::size_t out_stride = static_cast<std::size_t>(filters_) * (g_.out_h / 2) * (g_.out_w / 2);
  const bool train = backward_follows(mode);
  CNN_CHECK(train == (choice != nullptr), "conv: the fused pool keeps its choices in training, and only there");
  prepare_weight(weight);
  for (int s = 0; s < n; ++s) {
    product_sample(x.data() + s * in_stride, weight, padded());
    pool_sample(has_bias_ ? bias : no_bias_, pooled.data() + s * out_stride, train ? choice + s * out_stride : nullptr);
  }
}

void Stride1Method::backward_max_pooled_2x2(const Tensor& x, const Tensor& dpooled, const std::int32_t* choice, const Tensor& weight,
                                            Tensor& dweight, Tensor& dbias, Tensor* dx) {
  const int n = dpooled.shape()[0];
  const std::size_t in_stride = static_cast<std::size_t>(g_.channels) * g_.height * g_.width;
  const std::size_t out_stride = static_cast<std::size_t>(filters_) * (g_.out_h / 2) * (g_.out_w / 2);
  if (dx != nullptr) order_weight_for_input_gradient(weight);
  begin_weight_gradient();
  for (int s = 0; s < n; ++s) {
    stage_pooled_dz_sample(dpooled.data() + s * out_stride, choice + s * out_stride, dbias);
    fill_padded_interior(g_, x.data() + s * in_stride, padded());
    backward_staged_sample(dweight, dx != nullptr ? dx->data() + s * in_stride : nullptr);
  }
  end_weight_gradient(dweight);
}

// Each window's gradient goes to the input it chose, the rest of wide_dz_ is zero: what Pool2d's
// backward and then ReLU's mask (or no activation) leave there. The sums are those of
// stage_dz_rows over the same values.
void Stride1Method::stage_pooled_dz_sample(const float* dpooled, const std::int32_t* choice, Tensor& dbias) {
  const int ws = wide_stride(g_), wp = padded_width(g_), ph = g_.out_h / 2, pw = g_.out_w / 2;
  for (int o = 0; o < filters_; ++o) {
    float* wide = wide_dz_.data() + static_cast<std::size_t>(o) * ws;
    for (int i = 0; i < ph; ++i, dpooled += pw, choice += pw)
      unpool_2x2_choice_row(dpooled, choice, pw, wide + 2 * i * wp, wide + (2 * i + 1) * wp);
    // The positions no window covers stay zero: the wide grid's extra ones (nothing writes them)
    // and an odd last row or column, which stage_dz_rows may have written.
    if (g_.out_w % 2 != 0)
      for (int i = 0; i < 2 * ph; ++i) wide[i * wp + g_.out_w - 1] = 0.0f;
    if (g_.out_h % 2 != 0) std::fill(wide + (g_.out_h - 1) * wp, wide + g_.out_h * wp, 0.0f);
    if (has_bias_) dbias[o] += sum_of(wide, ws);
  }
}

// dx = the image part of Σ_p shifted rows of Wᵀ dz_wide: each tile of the product is added
// straight into the padded image (no dcol buffer), whole vectors instead of col2im's runs of OW
// floats.
void Stride1Method::input_gradient_sample(float* dx) {
  const int f = filters_, k = g_.col_rows(), ws = wide_stride(g_);
  dpadded_.fill(0.0f);
  gemm_nn_add_rows(k, ws, f, weight_dx_.data(), f, wide_dz_.data(), ws, dpadded_.data(), dx_row_starts_.data());
  crop_padded(g_, dpadded_.data(), dx);
}

}  // namespace cnn
