// The table of conv methods: names, where each applies, the rule that picks one, and the factory.
#include "layers/conv_methods/conv_method.hpp"

#include "core/error.hpp"
#include "layers/conv_methods/blas_method.hpp"
#include "layers/conv_methods/naive_method.hpp"
#include "layers/conv_methods/positions_method.hpp"
#include "layers/conv_methods/shifted_rows_method.hpp"
#include "layers/conv_methods/small_gemm_method.hpp"

namespace cnn {

bool conv_method_applies(ConvMethod method, const ConvProblem& problem) {
  switch (method) {
    case ConvMethod::kNaive: return NaiveMethod::applies(problem);
    case ConvMethod::kShiftedRows: return ShiftedRowsMethod::applies(problem);
    case ConvMethod::kPositions: return PositionsMethod::applies(problem);
    case ConvMethod::kSmallGemm: return SmallGemmMethod::applies(problem);
    case ConvMethod::kBlas: return BlasMethod::applies(problem);
  }
  return false;
}

// The rule, fixed by the shape and never by timing, so that runs stay bit-reproducible. Measured
// on LeNet's shapes (docs/performance.md):
// - With stride 1 the shifted rows of the once-padded sample replace im2col altogether. For few
//   filters (conv1: 6 x 784 outputs) the wide-grid kernels of kShiftedRows win, whose vectors run
//   along the output rows; with more filters (conv2: 16, two AVX2 vectors) the position-major
//   kernels of kPositions, whose vectors run along the filters and which skip the wide grid's
//   wasted positions.
// - Other strides, grouped convolutions (or a stride-1 layer whose padded buffers would be too
//   large) build im2col columns and run one product per group: the own kernels (kSmallGemm) beat
//   OpenBLAS for few filters (1.2-2x), OpenBLAS (kBlas) wins from 16 filters (2x). What counts is
//   the filters of one group, the rows of each product: a depthwise layer's products have one.
// Dilation changes neither: it only moves where each kernel tap reads.
// kNaive is the reference, never chosen.
ConvMethod choose_conv_method(const ConvProblem& problem) {
  constexpr int kFewFilters = 8;
  const bool few_filters = problem.group_filters() <= kFewFilters;
  if (Stride1Method::applies(problem)) return few_filters ? ConvMethod::kShiftedRows : ConvMethod::kPositions;
  return few_filters ? ConvMethod::kSmallGemm : ConvMethod::kBlas;
}

std::unique_ptr<ConvMethodImpl> make_conv_method(ConvMethod method, const ConvProblem& problem) {
  CNN_CHECK(conv_method_applies(method, problem), "conv: method {} does not apply to this shape", conv_method_name(method));
  switch (method) {
    case ConvMethod::kNaive: return std::make_unique<NaiveMethod>(problem);
    case ConvMethod::kShiftedRows: return std::make_unique<ShiftedRowsMethod>(problem);
    case ConvMethod::kPositions: return std::make_unique<PositionsMethod>(problem);
    case ConvMethod::kSmallGemm: return std::make_unique<SmallGemmMethod>(problem);
    case ConvMethod::kBlas: return std::make_unique<BlasMethod>(problem);
  }
  CNN_FAIL(ExitCode::kInternal, "conv: unknown method {}", static_cast<int>(method));
}

void ConvMethodImpl::forward_max_pooled_2x2(const Tensor& /*x*/, const Tensor& /*weight*/, const Tensor& /*bias*/,
                                            Mode /*mode*/, Tensor& /*pooled*/, std::int32_t* /*choice*/) {
  CNN_FAIL(ExitCode::kInternal, "conv: this method has no fused max-pool pass (has_max_pooled_2x2 is false)");
}

void ConvMethodImpl::backward_max_pooled_2x2(const Tensor& /*x*/, const Tensor& /*dpooled*/, const std::int32_t* /*choice*/,
                                             const Tensor& /*weight*/, Tensor& /*dweight*/, Tensor& /*dbias*/,
                                             Tensor* /*dx*/) {
  CNN_FAIL(ExitCode::kInternal, "conv: this method has no fused max-pool pass (has_max_pooled_2x2 is false)");
}

}  // namespace cnn
