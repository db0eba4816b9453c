// Net implementation.
#include "net/net.hpp"

#include <fmt/format.h>

#include <map>

#include "core/error.hpp"

namespace cnn {

void Net::add(std::unique_ptr<Layer> layer) {
  int same_kind = 1;
  for (const auto& existing : layers_)
    if (existing->kind() == layer->kind()) ++same_kind;
  names_.push_back(layer->kind() + std::to_string(same_kind));
  layers_.push_back(std::move(layer));
}

Shape Net::setup(const Shape& input) {
  CNN_CHECK_CODE(!layers_.empty(), ExitCode::kUsage, "the network has no layers");
  CNN_CHECK_CODE(saturating_product({std::uint64_t(input.numel())}) <= kMaxSampleElements, ExitCode::kUsage,
                 "an input of {} is more than the limit of {} elements per image", input.str(), kMaxSampleElements);
  input_shape_ = input;
  shapes_.clear();
  params_.clear();
  state_.clear();
  Shape shape = input;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    try {
      shape = layers_[i]->setup(shape);
    } catch (const Error& e) {
      throw Error(e.code(), fmt::format("layer {} ({}): {}", i + 1, names_[i], e.what()));
    }
    shapes_.push_back(shape);
    for (Param p : layers_[i]->params()) {
      p.name = names_[i] + "." + p.name;
      params_.push_back(p);
    }
    for (Param s : layers_[i]->state()) {
      s.name = names_[i] + "." + s.name;
      state_.push_back(s);
    }
  }
  output_shape_ = shape;
  return shape;
}

const Tensor& Net::forward(const Tensor& x, Mode mode) {
  fused_with_next_.assign(layers_.size(), false);
  const Tensor* h = &x;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    // A conv layer may absorb the max pool after it (identical numbers, passes and a layer less);
    // backward then skips the pool too.
    if (i + 1 < layers_.size() && layers_[i + 1]->is_max_pool_2x2()) {
      if (const Tensor* pooled = layers_[i]->forward_max_pooled_2x2(*h, mode)) {
        fused_with_next_[i] = true;
        h = pooled;
        ++i;
        continue;
      }
    }
    h = &layers_[i]->forward(*h, mode);
  }
  return *h;
}

const Tensor& Net::backward(const Tensor& dlogits) {
  const Tensor* g = &dlogits;
  for (std::size_t i = layers_.size(); i-- > 0;) {
    if (i > 0 && i - 1 < fused_with_next_.size() && fused_with_next_[i - 1]) {
      --i;
      g = &layers_[i]->backward_max_pooled_2x2(*g);
    } else {
      g = &layers_[i]->backward(*g);
    }
  }
  return *g;
}

void Net::set_step(const StepContext& step) {
  StepContext at = step;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    at.layer = static_cast<std::int64_t>(i);
    layers_[i]->set_step(at);
  }
}

void Net::set_batch_reducer(BatchReducer* reducer) {
  for (auto& layer : layers_) layer->set_batch_reducer(reducer);
}

void Net::zero_grad() {
  for (const Param& p : params_) p.grad->fill(0.0f);
}

std::size_t Net::parameter_count() const {
  std::size_t n = 0;
  for (const Param& p : params_) n += p.value->size();
  return n;
}

std::string Net::summary() const {
  std::string s = fmt::format("{:<10} {:<34} {:<16} {:>10}\n", "layer", "config", "output", "params");
  s += fmt::format("{:<10} {:<34} {:<16} {:>10}\n", "input", "", input_shape_.str(), "");
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    std::size_t count = 0;
    for (const Param& p : layers_[i]->params()) count += p.value->size();
    s += fmt::format("{:<10} {:<34} {:<16} {:>10}\n", names_[i], layers_[i]->describe(), shapes_[i].str(), count);
  }
  s += fmt::format("total parameters: {}", parameter_count());
  return s;
}

}  // namespace cnn
