// Concat implementation. Channels are outermost within a sample, so each input's sample is one
// contiguous block of the output's sample.
#include "layers/concat.hpp"

#include <algorithm>

namespace cnn {

Shape Concat::setup_inputs(const std::vector<Shape>& in) {
  CNN_CHECK_CODE(in.size() >= 2, ExitCode::kUsage, "concat needs at least two inputs, got {}", in.size());
  std::vector<int> dims = in[0].dims();
  CNN_CHECK_CODE(!dims.empty(), ExitCode::kUsage, "concat: input 1 has no channels axis");
  for (std::size_t k = 1; k < in.size(); ++k) {
    std::vector<int> other = in[k].dims();
    const bool same_rest = other.size() == dims.size() && std::equal(other.begin() + 1, other.end(), dims.begin() + 1);
    CNN_CHECK_CODE(same_rest, ExitCode::kUsage,
                   "concat: input {} is {} but input 1 is {}; joined along channels, the other sizes must agree", k + 1,
                   in[k].str(), in[0].str());
    dims[0] += other[0];
  }
  CNN_CHECK_CODE(saturating_product({std::uint64_t(Shape(dims).numel())}) <= kMaxSampleElements, ExitCode::kUsage,
                 "concat: an output of {} is more than the limit of {} elements per image", Shape(dims).str(),
                 kMaxSampleElements);
  in_ = in;
  sizes_.clear();
  for (const Shape& s : in) sizes_.push_back(s.numel());
  out_ = Shape(dims);
  out_size_ = out_.numel();
  dx_.assign(in.size(), Tensor());
  dx_views_.assign(in.size(), nullptr);
  return out_;
}

const Tensor& Concat::forward_inputs(const std::vector<const Tensor*>& x, Mode) {
  CNN_CHECK(x.size() == in_.size(), "concat: {} inputs, set up for {}", x.size(), in_.size());
  const int n = x[0]->shape()[0];
  for (std::size_t k = 0; k < x.size(); ++k)
    CNN_CHECK(x[k]->shape() == in_[k].with_batch(n), "concat: input {} is {}, set up for {}", k + 1, x[k]->shape().str(),
              in_[k].str());
  y_.resize(out_.with_batch(n));
  for (int s = 0; s < n; ++s) {
    float* out = y_.data() + static_cast<std::size_t>(s) * out_size_;
    for (std::size_t k = 0; k < x.size(); ++k) {
      const float* in = x[k]->data() + static_cast<std::size_t>(s) * sizes_[k];
      out = std::copy(in, in + sizes_[k], out);
    }
  }
  return y_;
}

const std::vector<const Tensor*>& Concat::backward_inputs(const Tensor& dy) {
  CNN_CHECK(dy.shape() == y_.shape(), "concat: gradient {} does not match the output {}", dy.shape().str(), y_.shape().str());
  const int n = dy.shape()[0];
  for (std::size_t k = 0; k < in_.size(); ++k) dx_[k].resize(in_[k].with_batch(n));
  for (int s = 0; s < n; ++s) {
    const float* g = dy.data() + static_cast<std::size_t>(s) * out_size_;
    for (std::size_t k = 0; k < in_.size(); ++k) {
      std::copy(g, g + sizes_[k], dx_[k].data() + static_cast<std::size_t>(s) * sizes_[k]);
      g += sizes_[k];
    }
  }
  for (std::size_t k = 0; k < in_.size(); ++k) dx_views_[k] = &dx_[k];
  return dx_views_;
}

const LayerKind& concat_layer_kind() {
  static const LayerKind kind = [] {
    LayerKind k = option_free_layer_kind("concat", [] { return std::make_unique<Concat>(); });
    k.max_inputs = kManyInputs;
    return k;
  }();
  return kind;
}

}  // namespace cnn
