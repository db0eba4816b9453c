// Conv2d implementation; formulas and shapes in conv2d.hpp.
#include "layers/conv2d.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "core/error.hpp"
#include "layers/conv_methods/conv_method.hpp"
#include "layers/layer_options.hpp"
#include "ops/activation.hpp"

namespace cnn {

Conv2d::Conv2d(const Conv2dConfig& config) : config_(config) {
  CNN_CHECK(config.filters > 0 && config.kernel_h > 0 && config.kernel_w > 0, "conv: filters and kernel must be positive");
  CNN_CHECK(config.stride_h > 0 && config.stride_w > 0, "conv: stride must be positive");
  CNN_CHECK(config.pad_h >= 0 && config.pad_w >= 0, "conv: padding must not be negative");
  CNN_CHECK(config.dilation_h > 0 && config.dilation_w > 0, "conv: dilation must be positive");
  // The schema (conv2d_kind.cpp) refuses these with the key named; here they are invariants.
  CNN_CHECK(config.groups > 0 && config.filters % config.groups == 0, "conv: groups {} does not divide the {} filters",
            config.groups, config.filters);
  CNN_CHECK(std::int64_t(config.kernel_h - 1) * config.dilation_h < kMaxLayerSize &&
                std::int64_t(config.kernel_w - 1) * config.dilation_w < kMaxLayerSize,
            "conv: the dilated kernel is larger than {}", kMaxLayerSize);
}

Conv2d::Conv2d(const Conv2dConfig& config, ConvMethod forced) : Conv2d(config) { forced_ = forced; }

Conv2d::~Conv2d() = default;

std::string Conv2d::describe() const {
  const char* pad = kPaddingNames.name(config_.padding);
  std::string s = fmt::format("{}@{}x{} stride {}x{} {}", config_.filters, config_.kernel_h, config_.kernel_w,
                              config_.stride_h, config_.stride_w, pad);
  if (config_.padding == Padding::kExplicit) s += fmt::format(" {}x{}", config_.pad_h, config_.pad_w);
  if (config_.dilation_h != 1 || config_.dilation_w != 1) s += fmt::format(" dilation {}x{}", config_.dilation_h, config_.dilation_w);
  if (config_.groups != 1) s += fmt::format(" groups {}", config_.groups);
  if (!config_.bias) s += " no bias";
  if (config_.activation != Activation::kNone) s += std::string(" ") + activation_name(config_.activation);
  if (config_.whitening_init) s += " whitening";
  if (!config_.trainable) s += " frozen";
  return s;
}

namespace {

// Output size and leading padding along one axis, for a kernel that spans `kernel` pixels (a
// dilated kernel's extent, (k - 1) d + 1, which messages call "dilated kernel" where `dilated`).
void axis_geometry(Padding padding, int size, int kernel, bool dilated, int stride, int explicit_pad, int* out, int* pad_before) {
  const char* what = dilated ? "dilated kernel" : "kernel";
  switch (padding) {
    case Padding::kValid:
      CNN_CHECK_CODE(size >= kernel, ExitCode::kUsage, "conv: {} {} larger than input {} with valid padding", what, kernel, size);
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
                     "conv: {} {} larger than padded input {}", what, kernel, size + 2 * explicit_pad);
      *out = (size + 2 * explicit_pad - kernel) / stride + 1;
      *pad_before = explicit_pad;
      return;
  }
}

}  // namespace

Shape Conv2d::setup(const Shape& in) {
  CNN_CHECK_CODE(in.rank() == 3, ExitCode::kUsage, "conv needs a (C, H, W) input, got {}", in.str());
  CNN_CHECK_CODE(in[0] % config_.groups == 0, ExitCode::kUsage, "conv: groups: {} does not divide the {} input channels",
                 config_.groups, in[0]);
  const int group_channels = in[0] / config_.groups;
  geom_.channels = in[0];
  geom_.height = in[1];
  geom_.width = in[2];
  geom_.kernel_h = config_.kernel_h;
  geom_.kernel_w = config_.kernel_w;
  geom_.stride_h = config_.stride_h;
  geom_.stride_w = config_.stride_w;
  geom_.dilation_h = config_.dilation_h;
  geom_.dilation_w = config_.dilation_w;
  axis_geometry(config_.padding, geom_.height, geom_.extent_h(), geom_.dilation_h != 1, config_.stride_h, config_.pad_h,
                &geom_.out_h, &geom_.pad_top);
  axis_geometry(config_.padding, geom_.width, geom_.extent_w(), geom_.dilation_w != 1, config_.stride_w, config_.pad_w,
                &geom_.out_w, &geom_.pad_left);
  const std::uint64_t params = saturating_product({std::uint64_t(config_.filters), std::uint64_t(group_channels),
                                                   std::uint64_t(config_.kernel_h), std::uint64_t(config_.kernel_w)});
  const std::uint64_t columns = saturating_product({std::uint64_t(geom_.channels), std::uint64_t(config_.kernel_h),
                                                    std::uint64_t(config_.kernel_w), std::uint64_t(geom_.out_h),
                                                    std::uint64_t(geom_.out_w)});
  const std::uint64_t outputs = saturating_product({std::uint64_t(config_.filters), std::uint64_t(geom_.out_h), std::uint64_t(geom_.out_w)});
  CNN_CHECK_CODE(params <= kMaxLayerParameters, ExitCode::kUsage, "conv: {} weights is more than the limit of {}", params,
                 kMaxLayerParameters);
  CNN_CHECK_CODE(columns <= kMaxSampleElements && outputs <= kMaxSampleElements, ExitCode::kUsage,
                 "conv: the output or column buffer of one image would exceed the limit of {} elements", kMaxSampleElements);
  weight_ = Tensor(Shape{config_.filters, group_channels, config_.kernel_h, config_.kernel_w});
  dweight_ = Tensor(weight_.shape());
  // A bias-free layer has no bias tensor at all: the methods are handed these empty ones.
  bias_ = config_.bias ? Tensor(Shape{config_.filters}) : Tensor();
  dbias_ = config_.bias ? Tensor(bias_.shape()) : Tensor();
  // silu and gelu are Conv2d's own (conv2d.hpp): the method computes the pre-activation.
  const Activation method_activation = activation_needs_input(config_.activation) ? Activation::kNone : config_.activation;
  const ConvProblem problem{geom_, config_.filters, method_activation, config_.groups, config_.bias};
  method_ = forced_ ? *forced_ : choose_conv_method(problem);
  CNN_CHECK(conv_method_applies(method_, problem),
            "conv: method {} does not apply to {} on input {} (shifted_rows and positions need stride 1 and groups 1)",
            conv_method_name(method_), describe(), in.str());
  impl_ = make_conv_method(method_, problem);
  return Shape{config_.filters, geom_.out_h, geom_.out_w};
}

const Tensor& Conv2d::forward(const Tensor& x, Mode mode) {
  const int n = x.shape()[0];
  CNN_CHECK(x.shape() == Shape({n, geom_.channels, geom_.height, geom_.width}), "conv: input {} does not match setup",
            x.shape().str());
  x_ = &x;
  backward_ready_ = backward_follows(mode);  // inference keeps one padded sample, not the batch
  pooled_backward_ready_ = false;
  y_.resize(Shape{n, config_.filters, geom_.out_h, geom_.out_w});
  if (!activation_needs_input(config_.activation)) {
    impl_->forward(x, weight_, bias_, mode, y_);
    return y_;
  }
  if (backward_follows(mode)) {
    z_.resize(y_.shape());
    impl_->forward(x, weight_, bias_, mode, z_);
    activation_forward(config_.activation, z_.data(), y_.data(), y_.size());
  } else {
    impl_->forward(x, weight_, bias_, mode, y_);
    activation_forward(config_.activation, y_.data(), y_.size());
  }
  return y_;
}

const Tensor& Conv2d::backward(const Tensor& dy) {
  CNN_CHECK(x_ != nullptr && backward_ready_, "conv: backward needs a forward in training mode first");
  CNN_CHECK(dy.shape() == y_.shape(), "conv: gradient {} does not match output {}", dy.shape().str(), y_.shape().str());
  Tensor& dx = input_gradient_buffer();
  dx.resize(Shape{y_.shape()[0], geom_.channels, geom_.height, geom_.width});
  if (!activation_needs_input(config_.activation)) {
    impl_->backward(*x_, y_, dy, weight_, dweight_, dbias_, input_gradient_ ? &dx : nullptr);
    return dx;
  }
  dz_.resize(y_.shape());
  activation_backward_from_input(config_.activation, z_.data(), dy.data(), dz_.data(), dz_.size());
  // The method ran without activation: its output was z_, and its dy is dz_.
  impl_->backward(*x_, z_, dz_, weight_, dweight_, dbias_, input_gradient_ ? &dx : nullptr);
  return dx;
}

bool Conv2d::can_fuse_max_pool_2x2() const {
  return impl_ != nullptr && impl_->has_max_pooled_2x2() && !activation_needs_input(config_.activation);
}

const Tensor* Conv2d::forward_max_pooled_2x2(const Tensor& x, Mode mode) {
  // silu and gelu are applied after the method's pass (conv2d.hpp): never fused.
  if (!can_fuse_max_pool_2x2()) return nullptr;
  const int n = x.shape()[0];
  CNN_CHECK(x.shape() == Shape({n, geom_.channels, geom_.height, geom_.width}), "conv: input {} does not match setup",
            x.shape().str());
  const bool train = backward_follows(mode);
  x_ = &x;  // backward pads it again for dW
  backward_ready_ = false;
  pooled_backward_ready_ = train;
  pooled_.resize(Shape{n, config_.filters, geom_.out_h / 2, geom_.out_w / 2});
  if (train) pool_choice_.resize(pooled_.size());
  impl_->forward_max_pooled_2x2(x, weight_, bias_, mode, pooled_, train ? pool_choice_.data() : nullptr);
  return &pooled_;
}

const Tensor& Conv2d::backward_max_pooled_2x2(const Tensor& dpooled) {
  CNN_CHECK(pooled_backward_ready_, "conv: the pooled backward needs a pooled forward in training mode first");
  CNN_CHECK(dpooled.shape() == pooled_.shape(), "conv: gradient {} does not match the pooled output {}",
            dpooled.shape().str(), pooled_.shape().str());
  Tensor& dx = input_gradient_buffer();
  dx.resize(Shape{pooled_.shape()[0], geom_.channels, geom_.height, geom_.width});
  impl_->backward_max_pooled_2x2(*x_, dpooled, pool_choice_.data(), weight_, dweight_, dbias_, input_gradient_ ? &dx : nullptr);
  return dx;
}

std::uint64_t Conv2d::macs_per_sample() const {
  // F (C / G) kh kw OH OW: each output reads one group's channels.
  return saturating_product({std::uint64_t(config_.filters), std::uint64_t(geom_.col_rows() / config_.groups),
                             std::uint64_t(geom_.col_cols())});
}

std::vector<Param> Conv2d::params() {
  // PyTorch's fans for a weight (F, C / G, kh, kw): fan-in (C / G) kh kw, fan-out F kh kw.
  const int fan_in = geom_.channels / config_.groups * config_.kernel_h * config_.kernel_w;
  const int fan_out = config_.filters * config_.kernel_h * config_.kernel_w;
  std::vector<Param> params{{"weight", &weight_, &dweight_, fan_in, fan_out, ParamFill::kInitializer}};
  if (config_.bias) params.push_back({"bias", &bias_, &dbias_, fan_in, fan_out, ParamFill::kZeros});
  for (Param& p : params) p.trainable = config_.trainable;
  return params;
}

}  // namespace cnn
