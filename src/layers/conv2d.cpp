// Conv2d implementation; formulas and shapes in conv2d.hpp.
#include "layers/conv2d.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "ops/blas.hpp"
#include "ops/conv_positions.hpp"
#include "ops/shifted_rows.hpp"
#include "ops/small_gemm.hpp"
#include "ops/transpose.hpp"
#include "ops/vec.hpp"

namespace cnn {

Conv2d::Conv2d(const Conv2dConfig& config) : config_(config) {
  CNN_CHECK(config.filters > 0 && config.kernel_h > 0 && config.kernel_w > 0, "conv: filters and kernel must be positive");
  CNN_CHECK(config.stride_h > 0 && config.stride_w > 0, "conv: stride must be positive");
  CNN_CHECK(config.pad_h >= 0 && config.pad_w >= 0, "conv: padding must not be negative");
}

std::string Conv2d::describe() const {
  const char* pad = kPaddingNames.name(config_.padding);
  std::string s = fmt::format("{}@{}x{} stride {}x{} {}", config_.filters, config_.kernel_h, config_.kernel_w,
                              config_.stride_h, config_.stride_w, pad);
  if (config_.padding == Padding::kExplicit) s += fmt::format(" {}x{}", config_.pad_h, config_.pad_w);
  if (config_.activation != Activation::kNone) s += std::string(" ") + activation_name(config_.activation);
  return s;
}

namespace {

// Output size and leading padding along one axis.
void axis_geometry(Padding padding, int size, int kernel, int stride, int explicit_pad, int* out, int* pad_before) {
  switch (padding) {
    case Padding::kValid:
      CNN_CHECK_CODE(size >= kernel, ExitCode::kUsage, "conv: kernel {} larger than input {} with valid padding", kernel, size);
      *out = (size - kernel) / stride + 1;
      *pad_before = 0;
      return;
    case Padding::kSame: {
      *out = (size + stride - 1) / stride;
      const int total = std::max((*out - 1) * stride + kernel - size, 0);
      *pad_before = total / 2;  // the odd extra row/column goes to the bottom/right
      return;
    }
    case Padding::kExplicit:
      CNN_CHECK_CODE(size + 2 * explicit_pad >= kernel, ExitCode::kUsage,
                     "conv: kernel {} larger than padded input {}", kernel, size + 2 * explicit_pad);
      *out = (size + 2 * explicit_pad - kernel) / stride + 1;
      *pad_before = explicit_pad;
      return;
  }
}

}  // namespace

Shape Conv2d::setup(const Shape& in) {
  CNN_CHECK_CODE(in.rank() == 3, ExitCode::kUsage, "conv needs a (C, H, W) input, got {}", in.str());
  geom_.channels = in[0];
  geom_.height = in[1];
  geom_.width = in[2];
  geom_.kernel_h = config_.kernel_h;
  geom_.kernel_w = config_.kernel_w;
  geom_.stride_h = config_.stride_h;
  geom_.stride_w = config_.stride_w;
  axis_geometry(config_.padding, geom_.height, config_.kernel_h, config_.stride_h, config_.pad_h, &geom_.out_h, &geom_.pad_top);
  axis_geometry(config_.padding, geom_.width, config_.kernel_w, config_.stride_w, config_.pad_w, &geom_.out_w, &geom_.pad_left);
  const std::uint64_t params = saturating_product({std::uint64_t(config_.filters), std::uint64_t(geom_.channels),
                                                   std::uint64_t(config_.kernel_h), std::uint64_t(config_.kernel_w)});
  const std::uint64_t columns = saturating_product({std::uint64_t(geom_.channels), std::uint64_t(config_.kernel_h),
                                                    std::uint64_t(config_.kernel_w), std::uint64_t(geom_.out_h),
                                                    std::uint64_t(geom_.out_w)});
  const std::uint64_t outputs = saturating_product({std::uint64_t(config_.filters), std::uint64_t(geom_.out_h), std::uint64_t(geom_.out_w)});
  CNN_CHECK_CODE(params <= kMaxLayerParameters, ExitCode::kUsage, "conv: {} weights is more than the limit of {}", params,
                 kMaxLayerParameters);
  CNN_CHECK_CODE(columns <= kMaxSampleElements && outputs <= kMaxSampleElements, ExitCode::kUsage,
                 "conv: the output or column buffer of one image would exceed the limit of {} elements", kMaxSampleElements);
  weight_ = Tensor(Shape{config_.filters, geom_.channels, config_.kernel_h, config_.kernel_w});
  dweight_ = Tensor(weight_.shape());
  bias_ = Tensor(Shape{config_.filters});
  dbias_ = Tensor(bias_.shape());
  // Measured on LeNet's shapes (docs/performance.md): with stride 1 the shifted rows of the padded
  // sample drop im2col, read by the wide-grid kernels for few filters (conv1: 6 x 784) and by the
  // position-major kernels for many (conv2: 16 filters, two vectors). With other strides the own
  // kernels beat OpenBLAS for few filters (1.2-2x) and OpenBLAS wins from 16 (2x).
  const bool few_filters = config_.filters <= kSmallGemmMaxFilters;
  // The padded sample and the wide grid are larger than the image and the output; a very wide
  // kernel over a narrow output would blow them up, so such layers keep im2col.
  const bool stride1 = geom_.stride_h == 1 && geom_.stride_w == 1 &&
                       padded_size(geom_) <= kMaxSampleElements &&
                       saturating_product({std::uint64_t(geom_.col_rows()), std::uint64_t(geom_.out_h),
                                           std::uint64_t(padded_width(geom_))}) <= kMaxSampleElements;
  if (stride1) {
    method_ = few_filters ? Method::kShiftedRows : Method::kPositions;
  } else {
    method_ = few_filters ? Method::kSmallGemm : Method::kBlas;
  }
  if (stride1) {
    row_starts_.resize(static_cast<std::size_t>(geom_.col_rows()));
    shifted_row_starts(geom_, row_starts_.data());
    // The input gradient adds rows of Wᵀ dz into the padded image a tile of rows at a time. Rows
    // of one kernel column (i, j) across channels are a whole plane apart, so ordering them
    // (i, j, c) keeps a tile's rows from overlapping; in col's (c, i, j) order neighbours overlap
    // by all but one float and every tile's stores stall the next row's loads (measured: the
    // product took 25 % of a training step instead of about 13 %).
    dx_order_.clear();
    for (int i = 0; i < geom_.kernel_h; ++i)
      for (int j = 0; j < geom_.kernel_w; ++j)
        for (int c = 0; c < geom_.channels; ++c) dx_order_.push_back((c * geom_.kernel_h + i) * geom_.kernel_w + j);
    dx_row_starts_.resize(dx_order_.size());
    for (std::size_t r = 0; r < dx_order_.size(); ++r) dx_row_starts_[r] = row_starts_[static_cast<std::size_t>(dx_order_[r])];
    weight_dx_ = Tensor(Shape{geom_.col_rows(), config_.filters});
    padded_ = Tensor(Shape{1, static_cast<int>(padded_size(geom_))});  // grows to the batch in forward
    dpadded_ = Tensor(Shape{static_cast<int>(padded_size(geom_))});
    wide_dz_ = Tensor(Shape{config_.filters, wide_stride(geom_)});
  } else {
    col_ = Tensor(Shape{geom_.col_rows(), geom_.col_cols()});
    dcol_ = Tensor(col_.shape());
  }
  if (method_ == Method::kSmallGemm) weight_t_ = Tensor(Shape{geom_.col_rows(), config_.filters});
  if (method_ == Method::kShiftedRows) {
    wide_ = Tensor(Shape{config_.filters, wide_size(geom_)});
    rows_max_ = Tensor(Shape{std::max(1, geom_.out_w / 2 * 2)});
  }
  if (method_ == Method::kPositions) {
    const int fp = padded_filters(config_.filters);
    wide_places_.resize(static_cast<std::size_t>(geom_.col_cols()));
    wide_places(geom_, wide_places_.data());
    weight_t_ = Tensor(Shape{geom_.col_rows(), fp});  // the extra filter columns stay zero
    y_t_ = Tensor(Shape{geom_.col_cols(), fp});
    dz_t_ = Tensor(y_t_.shape());
    dweight_t_ = Tensor(weight_t_.shape());
  }
  return Shape{config_.filters, geom_.out_h, geom_.out_w};
}

// weight_t_ = Wᵀ (K x F, or K x fp with zero columns for the position-major kernels).
void Conv2d::transpose_weight() {
  const int f = config_.filters, k = geom_.col_rows(), ld = weight_t_.shape()[1];
  for (int o = 0; o < f; ++o)
    for (int i = 0; i < k; ++i) weight_t_[static_cast<std::size_t>(i) * ld + o] = weight_[static_cast<std::size_t>(o) * k + i];
}

// weight_dx_ = Wᵀ with its rows in dx_order_ (see setup), for input_gradient_sample_wide.
void Conv2d::order_weight_for_input_gradient() {
  const int f = config_.filters, k = geom_.col_rows();
  for (int r = 0; r < k; ++r) {
    const std::size_t i = static_cast<std::size_t>(dx_order_[static_cast<std::size_t>(r)]);
    for (int o = 0; o < f; ++o) weight_dx_[static_cast<std::size_t>(r) * f + o] = weight_[static_cast<std::size_t>(o) * k + i];
  }
}

// Stride-1 methods: room for n padded samples in padded_, border zero. It only grows (a new
// Tensor is zero-filled), so a training step allocates nothing.
void Conv2d::reserve_padded(int n) {
  if (padded_.shape()[0] < n) padded_ = Tensor(Shape{n, static_cast<int>(padded_size(geom_))});
}

float* Conv2d::padded_sample(int s) { return padded_.data() + static_cast<std::size_t>(s) * padded_.shape()[1]; }

// Stride-1 methods: x padded into `padded`, then the product W col of that sample, without bias or
// activation, into wide_ (kShiftedRows: (F, OH * WP)) or y_t_ (kPositions: (P, fp)).
void Conv2d::product_sample(const float* x, float* padded) {
  const int f = config_.filters, k = geom_.col_rows();
  fill_padded_interior(geom_, x, padded);
  if (method_ == Method::kShiftedRows) {
    const int wide = wide_size(geom_);
    gemm_nn_rows(f, wide, k, weight_.data(), k, padded, row_starts_.data(), wide_.data(), wide, false);
  } else {
    conv_forward_positions(geom_, row_starts_.data(), wide_places_.data(), padded, weight_t_.data(),
                           weight_t_.shape()[1], y_t_.data());
  }
}

// y (F, OH, OW) of one sample x (C, H, W), bias and activation included; the stride-1 methods
// leave the padded sample in `padded` for backward.
void Conv2d::forward_sample(const float* x, float* y, float* padded) {
  const int f = config_.filters, k = geom_.col_rows(), p = geom_.col_cols();
  // The stride-1 methods copy their result into y anyway: ReLU (LeNet's case) is applied in that
  // copy, the other activations after it.
  const bool relu = config_.activation == Activation::kRelu;
  if (method_ == Method::kShiftedRows) {
    const int wp = padded_width(geom_), wide = wide_size(geom_);
    product_sample(x, padded);
    for (int o = 0; o < f; ++o) {
      const float b = bias_[o];
      for (int oh = 0; oh < geom_.out_h; ++oh) {
        const float* src = wide_.data() + static_cast<std::size_t>(o) * wide + oh * wp;
        float* dst = y + (static_cast<std::size_t>(o) * geom_.out_h + oh) * geom_.out_w;
        if (relu) {
          for (int ow = 0; ow < geom_.out_w; ++ow) dst[ow] = relu_of(src[ow] + b);
        } else {
          for (int ow = 0; ow < geom_.out_w; ++ow) dst[ow] = src[ow] + b;
        }
      }
    }
    if (!relu) activation_forward(config_.activation, y, static_cast<std::size_t>(f) * p);
    return;
  }
  if (method_ == Method::kPositions) {
    product_sample(x, padded);
    transpose_block(y_t_.data(), weight_t_.shape()[1], p, f, y, p);
    for (int o = 0; o < f; ++o) {
      const float b = bias_[o];
      float* row = y + static_cast<std::size_t>(o) * p;
      if (relu) {
        for (int q = 0; q < p; ++q) row[q] = relu_of(row[q] + b);
      } else {
        for (int q = 0; q < p; ++q) row[q] += b;
      }
    }
    if (!relu) activation_forward(config_.activation, y, static_cast<std::size_t>(f) * p);
    return;
  }
  im2col(geom_, x, col_.data());
  // The bias is broadcast into y first so the product accumulates onto it.
  for (int o = 0; o < f; ++o) std::fill(y + o * p, y + (o + 1) * p, bias_[o]);
  if (method_ == Method::kSmallGemm) {
    gemm_nn(f, p, k, weight_.data(), k, col_.data(), p, y, p, true);
  } else {
    sgemm(Trans::kNo, Trans::kNo, f, p, k, 1.0f, weight_.data(), k, col_.data(), p, 1.0f, y, p);
  }
  // While the sample's output is still in cache.
  activation_forward(config_.activation, y, static_cast<std::size_t>(f) * p);
}

const Tensor& Conv2d::forward(const Tensor& x, Mode mode) {
  const int n = x.shape()[0];
  CNN_CHECK(x.shape() == Shape({n, geom_.channels, geom_.height, geom_.width}), "conv: input {} does not match setup",
            x.shape().str());
  x_ = &x;
  backward_ready_ = mode == Mode::kTrain;  // inference keeps one padded sample, not the batch
  y_.resize(Shape{n, config_.filters, geom_.out_h, geom_.out_w});
  if (method_ == Method::kPositions) transpose_weight();
  const std::size_t in_stride = static_cast<std::size_t>(geom_.channels) * geom_.height * geom_.width;
  const std::size_t out_stride = static_cast<std::size_t>(config_.filters) * geom_.col_cols();
  // Training keeps every padded sample for backward's dW; inference reuses one.
  const bool stride1 = method_ == Method::kShiftedRows || method_ == Method::kPositions;
  if (stride1 && mode == Mode::kTrain) reserve_padded(n);
  for (int s = 0; s < n; ++s)
    forward_sample(x.data() + s * in_stride, y_.data() + s * out_stride,
                   stride1 ? padded_sample(mode == Mode::kTrain ? s : 0) : nullptr);
  return y_;
}

// im2col methods: dW += dz colᵀ for one sample.
void Conv2d::weight_gradient_sample(const float* x, const float* dz) {
  const int f = config_.filters, k = geom_.col_rows(), p = geom_.col_cols();
  im2col(geom_, x, col_.data());
  if (method_ == Method::kSmallGemm) {
    gemm_nt(f, k, p, dz, p, col_.data(), p, dweight_.data(), k);
  } else {
    sgemm(Trans::kNo, Trans::kYes, f, k, p, 1.0f, dz, p, col_.data(), p, 1.0f, dweight_.data(), k);
  }
}

// kShiftedRows: dW += dz_wide rowsᵀ for one sample (padded by forward), on the wide grid (dz
// staged by stage_dz_sample).
void Conv2d::weight_gradient_sample_wide(const float* padded) {
  const int f = config_.filters, k = geom_.col_rows();
  gemm_nt_rows(f, k, wide_size(geom_), wide_dz_.data(), wide_stride(geom_), padded, row_starts_.data(),
               dweight_.data(), k);
}

// Position-major: dWᵀ += col dzᵀ for one sample (dz_t_ staged by stage_dz_sample; dweight_t_ is
// added into dW once per batch).
void Conv2d::weight_gradient_sample_positions(const float* padded) {
  const int fp = weight_t_.shape()[1];
  conv_dweight_positions(geom_, row_starts_.data(), wide_places_.data(), padded, dz_t_.data(), fp, dweight_t_.data());
}

// im2col methods: dx = col2im(Wᵀ dz) for one sample (dx zeroed by the caller).
void Conv2d::input_gradient_sample(const float* dz, float* dx) {
  const int f = config_.filters, k = geom_.col_rows(), p = geom_.col_cols();
  if (method_ == Method::kSmallGemm) {
    gemm_nn(k, p, f, weight_t_.data(), f, dz, p, dcol_.data(), p, false);
  } else {
    sgemm(Trans::kYes, Trans::kNo, k, p, f, 1.0f, weight_.data(), k, dz, p, 0.0f, dcol_.data(), p);
  }
  col2im(geom_, dcol_.data(), dx);
}

// Stride-1 methods: one sample's dz onto the wide grid (the extra positions stay zero) and, for
// kPositions, into dz_t_; dbias += its sums. With ReLU, dz = dy where y > 0 is formed here from y
// and dy (`y` non-null), in the same pass, instead of a pass over the whole batch's dz first;
// otherwise `dy` is dz already.
void Conv2d::stage_dz_sample(const float* y, const float* dy) {
  const int f = config_.filters, p = geom_.col_cols();
  const int wp = padded_width(geom_), ws = wide_stride(geom_);
  const bool positions = method_ == Method::kPositions;
  const int fp = positions ? weight_t_.shape()[1] : 0;
  for (int o = 0; o < f; ++o) {
    float* wide = wide_dz_.data() + static_cast<std::size_t>(o) * ws;
    for (int oh = 0; oh < geom_.out_h; ++oh) {
      const std::size_t first = static_cast<std::size_t>(o) * p + static_cast<std::size_t>(oh) * geom_.out_w;
      if (y != nullptr) {
        relu_backward_row(y + first, dy + first, geom_.out_w, wide + oh * wp);
      } else {
        copy_row(dy + first, geom_.out_w, wide + oh * wp);
      }
    }
    // The extra positions are zero, so the whole wide row sums to the sum over the output.
    dbias_[o] += sum_of(wide, ws);
  }
  // Output row oh of every filter becomes positions oh * OW .. of dz_t_.
  if (positions)
    for (int oh = 0; oh < geom_.out_h; ++oh)
      transpose_block(wide_dz_.data() + oh * wp, ws, f, geom_.out_w,
                      dz_t_.data() + static_cast<std::size_t>(oh) * geom_.out_w * fp, fp);
}

// Stride-1 methods: dx = the image part of Σ_p shifted rows of Wᵀ dz_wide, for one sample: each
// tile of the product is added straight into the padded image (no dcol buffer), whole vectors
// instead of col2im's runs of OW floats.
void Conv2d::input_gradient_sample_wide(float* dx) {
  const int f = config_.filters, k = geom_.col_rows(), ws = wide_stride(geom_);
  dpadded_.fill(0.0f);
  gemm_nn_add_rows(k, ws, f, weight_dx_.data(), f, wide_dz_.data(), ws, dpadded_.data(), dx_row_starts_.data());
  crop_padded(geom_, dpadded_.data(), dx);
}

const Tensor& Conv2d::backward(const Tensor& dy) {
  CNN_CHECK(x_ != nullptr && backward_ready_, "conv: backward needs a forward in training mode first");
  const int n = y_.shape()[0];
  const int f = config_.filters, k = geom_.col_rows(), p = geom_.col_cols();
  CNN_CHECK(dy.shape() == y_.shape(), "conv: gradient {} does not match output {}", dy.shape().str(), y_.shape().str());
  const bool stride1 = method_ == Method::kShiftedRows || method_ == Method::kPositions;
  // ReLU's mask is applied per sample while staging dz (stage_dz_sample); other cases form dz here.
  const bool relu_in_stage = stride1 && config_.activation == Activation::kRelu;
  if (!relu_in_stage) {
    dz_.resize(y_.shape());
    activation_backward(config_.activation, y_.data(), dy.data(), dz_.data(), dy.size());
  }
  dx_.resize(Shape{n, geom_.channels, geom_.height, geom_.width});
  if (input_gradient_) {
    if (!stride1) dx_.fill(0.0f);  // col2im adds; crop_padded writes every pixel
    if (method_ == Method::kSmallGemm) transpose_weight();
    if (stride1) order_weight_for_input_gradient();
  }
  if (method_ == Method::kPositions) dweight_t_.fill(0.0f);
  const std::size_t in_stride = static_cast<std::size_t>(geom_.channels) * geom_.height * geom_.width;
  const std::size_t out_stride = static_cast<std::size_t>(f) * p;
  for (int s = 0; s < n; ++s) {
    float* dx = dx_.data() + s * in_stride;
    const float* x = x_->data() + s * in_stride;
    if (stride1) {
      if (relu_in_stage) {
        stage_dz_sample(y_.data() + s * out_stride, dy.data() + s * out_stride);
      } else {
        stage_dz_sample(nullptr, dz_.data() + s * out_stride);
      }
      if (method_ == Method::kShiftedRows) {
        weight_gradient_sample_wide(padded_sample(s));
      } else {
        weight_gradient_sample_positions(padded_sample(s));
      }
      if (input_gradient_) input_gradient_sample_wide(dx);
      continue;
    }
    const float* dz = dz_.data() + s * out_stride;
    for (int o = 0; o < f; ++o) dbias_[o] += sum_of(dz + static_cast<std::size_t>(o) * p, p);
    weight_gradient_sample(x, dz);
    if (input_gradient_) input_gradient_sample(dz, dx);
  }
  if (method_ == Method::kPositions) {
    const int fp = weight_t_.shape()[1];
    for (int o = 0; o < f; ++o)
      for (int i = 0; i < k; ++i) dweight_[static_cast<std::size_t>(o) * k + i] += dweight_t_[static_cast<std::size_t>(i) * fp + o];
  }
  return dx_;
}

std::vector<Param> Conv2d::params() {
  const int fan_in = geom_.channels * config_.kernel_h * config_.kernel_w;
  const int fan_out = config_.filters * config_.kernel_h * config_.kernel_w;
  return {{"weight", &weight_, &dweight_, fan_in, fan_out, ParamFill::kInitializer},
          {"bias", &bias_, &dbias_, fan_in, fan_out, ParamFill::kZeros}};
}

}  // namespace cnn
