// ConvMethod::kShiftedRows: stride 1 and few filters (LeNet's conv1: 6 filters x 784 positions).
// The own kernels take the padded sample's shifted rows as B by a table of row starts
// (ops/small_gemm.hpp, gemm_*_rows), on the wide grid of OH x WP positions (ops/shifted_rows.hpp):
//
//   forward   wide(F x OH*WP) = W(F x K) rows(padded);  y = act(wide's first OW of every WP + b)
//   backward  dW(F x K) += dz_wide(F x WS) rows(padded)ᵀ;  db, dx as in stride1_method.hpp
//
// The wide grid's last WP - OW positions of each row are computed and thrown away (32 instead of
// 28 for conv1: 14 % more arithmetic, no copies).
#pragma once

#include "layers/conv_methods/stride1_method.hpp"

namespace cnn {

class ShiftedRowsMethod : public Stride1Method {
 public:
  static bool applies(const ConvProblem& p) { return Stride1Method::applies(p); }
  explicit ShiftedRowsMethod(const ConvProblem& p);

 private:
  void product_sample(const float* x, const Tensor& weight, float* padded) override;
  void output_sample(const float* bias, float* y) override;
  void pool_sample(const Tensor& bias, float* pooled, std::int32_t* choice) override;
  void backward_staged_sample(Tensor& dweight, float* dx) override;

  Tensor wide_;  // (F, OH * WP): one sample's product on the wide grid, without bias
};

}  // namespace cnn
