// Conv2d implementation; formulas and shapes in conv2d.hpp.
#include "layers/conv2d.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "ops/blas.hpp"
#include "ops/small_gemm.hpp"

namespace cnn {

Conv2d::Conv2d(const Conv2dConfig& config) : config_(config) {
  CNN_CHECK(config.filters > 0 && config.kernel_h > 0 && config.kernel_w > 0, "conv: filters and kernel must be positive");
  CNN_CHECK(config.stride_h > 0 && config.stride_w > 0, "conv: stride must be positive");
  CNN_CHECK(config.pad_h >= 0 && config.pad_w >= 0, "conv: padding must not be negative");
}

std::string Conv2d::describe() const {
  const char* pad = config_.padding == Padding::kSame ? "same" : config_.padding == Padding::kValid ? "valid" : "explicit";
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
  col_ = Tensor(Shape{geom_.col_rows(), geom_.col_cols()});
  dcol_ = Tensor(Shape{geom_.col_rows(), geom_.col_cols()});
  weight_t_ = Tensor(Shape{geom_.col_rows(), config_.filters});
  // Measured on LeNet's shapes (docs/performance.md): the small kernels win when there are few
  // filters over many output pixels (conv1: 6 x 784, 1.2-2x OpenBLAS), OpenBLAS wins from 16
  // filters (conv2: 2x faster). A fixed rule, not a timing at run time, keeps runs bit-reproducible.
  small_gemm_ = config_.filters <= kSmallGemmMaxFilters;
  return Shape{config_.filters, geom_.out_h, geom_.out_w};
}

const Tensor& Conv2d::forward(const Tensor& x, Mode) {
  const int n = x.shape()[0];
  const int f = config_.filters, k = geom_.col_rows(), p = geom_.col_cols();
  CNN_CHECK(x.shape() == Shape({n, geom_.channels, geom_.height, geom_.width}), "conv: input {} does not match setup",
            x.shape().str());
  x_ = &x;
  y_.resize(Shape{n, f, geom_.out_h, geom_.out_w});
  const std::size_t in_stride = static_cast<std::size_t>(geom_.channels) * geom_.height * geom_.width;
  for (int s = 0; s < n; ++s) {
    float* y = y_.data() + static_cast<std::size_t>(s) * f * p;
    im2col(geom_, x.data() + s * in_stride, col_.data());
    // The bias is broadcast into y first so the product accumulates onto it.
    for (int o = 0; o < f; ++o) std::fill(y + o * p, y + (o + 1) * p, bias_[o]);
    if (small_gemm_) {
      gemm_nn(f, p, k, weight_.data(), k, col_.data(), p, y, p, true);
    } else {
      sgemm(Trans::kNo, Trans::kNo, f, p, k, 1.0f, weight_.data(), k, col_.data(), p, 1.0f, y, p);
    }
  }
  activation_forward(config_.activation, y_.data(), y_.size());
  return y_;
}

const Tensor& Conv2d::backward(const Tensor& dy) {
  CNN_CHECK(x_ != nullptr, "conv: backward before forward");
  const int n = y_.shape()[0];
  const int f = config_.filters, k = geom_.col_rows(), p = geom_.col_cols();
  CNN_CHECK(dy.shape() == y_.shape(), "conv: gradient {} does not match output {}", dy.shape().str(), y_.shape().str());
  dz_.resize(y_.shape());
  activation_backward(config_.activation, y_.data(), dy.data(), dz_.data(), dy.size());
  dx_.resize(Shape{n, geom_.channels, geom_.height, geom_.width});
  if (input_gradient_) {
    dx_.fill(0.0f);
  }
  if (input_gradient_ && small_gemm_) {
    for (int o = 0; o < f; ++o)
      for (int i = 0; i < k; ++i) weight_t_[static_cast<std::size_t>(i) * f + o] = weight_[static_cast<std::size_t>(o) * k + i];
  }
  const std::size_t in_stride = static_cast<std::size_t>(geom_.channels) * geom_.height * geom_.width;
  for (int s = 0; s < n; ++s) {
    const float* dz = dz_.data() + static_cast<std::size_t>(s) * f * p;
    im2col(geom_, x_->data() + s * in_stride, col_.data());
    if (small_gemm_) {
      gemm_nt(f, k, p, dz, p, col_.data(), p, dweight_.data(), k);
    } else {
      sgemm(Trans::kNo, Trans::kYes, f, k, p, 1.0f, dz, p, col_.data(), p, 1.0f, dweight_.data(), k);
    }
    for (int o = 0; o < f; ++o) {
      float sum = 0.0f;
      for (int i = 0; i < p; ++i) sum += dz[o * p + i];
      dbias_[o] += sum;
    }
    if (!input_gradient_) continue;
    if (small_gemm_) {
      gemm_nn(k, p, f, weight_t_.data(), f, dz, p, dcol_.data(), p, false);
    } else {
      sgemm(Trans::kYes, Trans::kNo, k, p, f, 1.0f, weight_.data(), k, dz, p, 0.0f, dcol_.data(), p);
    }
    col2im(geom_, dcol_.data(), dx_.data() + s * in_stride);
  }
  return dx_;
}

std::vector<Param> Conv2d::params() {
  const int fan_in = geom_.channels * config_.kernel_h * config_.kernel_w;
  const int fan_out = config_.filters * config_.kernel_h * config_.kernel_w;
  return {{"weight", &weight_, &dweight_, fan_in, fan_out, false}, {"bias", &bias_, &dbias_, fan_in, fan_out, true}};
}

}  // namespace cnn
