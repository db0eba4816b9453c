// ConvMethod::kShiftedRows; formulas in shifted_rows_method.hpp.
#include "layers/conv_methods/shifted_rows_method.hpp"

#include "ops/activation.hpp"
#include "ops/fused_pool.hpp"
#include "ops/shifted_rows.hpp"
#include "ops/small_gemm.hpp"

namespace cnn {

ShiftedRowsMethod::ShiftedRowsMethod(const ConvProblem& p) : Stride1Method(p) {
  wide_ = Tensor(Shape{filters_, wide_size(g_)});
}

// x (C, H, W) padded into `padded`, then wide_ = W rows(padded), without bias or activation.
void ShiftedRowsMethod::product_sample(const float* x, const Tensor& weight, float* padded) {
  const int f = filters_, k = g_.col_rows(), wide = wide_size(g_);
  fill_padded_interior(g_, x, padded);
  gemm_nn_rows(f, wide, k, weight.data(), k, padded, row_starts_.data(), wide_.data(), wide, false);
}

// y (F, OH, OW) out of wide_: the grid's first OW of every WP. ReLU (LeNet's case) is applied in
// that copy, the other activations after it, while the sample's output is still in cache.
void ShiftedRowsMethod::output_sample(const float* bias, float* y) {
  const int f = filters_, p = g_.col_cols();
  const int wp = padded_width(g_), wide = wide_size(g_);
  const bool relu = activation_ == Activation::kRelu;
  for (int o = 0; o < f; ++o) {
    const float b = bias[o];
    for (int oh = 0; oh < g_.out_h; ++oh) {
      const float* src = wide_.data() + static_cast<std::size_t>(o) * wide + oh * wp;
      float* dst = y + (static_cast<std::size_t>(o) * g_.out_h + oh) * g_.out_w;
      if (relu) {
        for (int ow = 0; ow < g_.out_w; ++ow) dst[ow] = relu_of(src[ow] + b);
      } else {
        for (int ow = 0; ow < g_.out_w; ++ow) dst[ow] = src[ow] + b;
      }
    }
  }
  if (!relu) activation_forward(activation_, y, static_cast<std::size_t>(f) * p);
}

// dW += dz_wide rowsᵀ, over the sample padded again; then dx.
void ShiftedRowsMethod::backward_staged_sample(Tensor& dweight, float* dx) {
  const int k = g_.col_rows();
  gemm_nt_rows(filters_, k, wide_size(g_), wide_dz_.data(), wide_stride(g_), padded(), row_starts_.data(),
               dweight.data(), k);
  if (dx != nullptr) input_gradient_sample(dx);
}

// Bias, activation and pool of one sample out of wide_, a row of windows at a time
// (ops/fused_pool.hpp), with the windows' choices in training.
void ShiftedRowsMethod::pool_sample(const Tensor& bias, float* out, std::int32_t* choice) {
  const bool relu = activation_ == Activation::kRelu;
  const int wp = padded_width(g_), wide = wide_size(g_), ph = g_.out_h / 2, pw = g_.out_w / 2;
  for (int o = 0; o < filters_; ++o) {
    const float b = bias[o];
    for (int i = 0; i < ph; ++i, out += pw) {
      const float* r0 = wide_.data() + static_cast<std::size_t>(o) * wide + 2 * i * wp;
      const float* r1 = r0 + wp;
      if (choice != nullptr) {
        max_pool_2x2_choice_row(r0, r1, pw, b, relu, out, choice);
        choice += pw;
      } else {
        max_pool_2x2_row(r0, r1, pw, b, relu, out);
      }
    }
  }
}

}  // namespace cnn
