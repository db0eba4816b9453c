// Net implementation.
#include "net/net.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"

namespace cnn {

void Net::add(std::unique_ptr<Layer> layer) {
  int same_kind = 1;
  for (const Node& existing : nodes_)
    if (existing.layer->kind() == layer->kind()) ++same_kind;
  std::string name = layer->kind() + std::to_string(same_kind);
  const int before = nodes_.empty() ? kNetworkInput : static_cast<int>(nodes_.size()) - 1;
  add(std::move(layer), std::move(name), {before});
}

void Net::add(std::unique_ptr<Layer> layer, std::string name, std::vector<int> inputs) {
  Node node;
  node.multi = dynamic_cast<MultiInputLayer*>(layer.get());
  node.layer = std::move(layer);
  node.name = std::move(name);
  node.inputs = std::move(inputs);
  const int here = static_cast<int>(nodes_.size());
  CNN_CHECK(!node.inputs.empty(), "layer {} ({}) reads nothing", here + 1, node.name);
  CNN_CHECK(node.multi != nullptr || node.inputs.size() == 1, "layer {} ({}) reads one input, not {}", here + 1, node.name,
            node.inputs.size());
  for (int input : node.inputs)
    CNN_CHECK(input == kNetworkInput || (input >= 0 && input < here), "layer {} ({}) reads {}, not an earlier layer",
              here + 1, node.name, input);
  nodes_.push_back(std::move(node));
}

Shape Net::setup(const Shape& input_shape) {
  CNN_CHECK_CODE(!nodes_.empty(), ExitCode::kUsage, "the network has no layers");
  CNN_CHECK_CODE(saturating_product({std::uint64_t(input_shape.numel())}) <= kMaxSampleElements, ExitCode::kUsage,
                 "an input of {} is more than the limit of {} elements per image", input_shape.str(), kMaxSampleElements);
  input_shape_ = input_shape;
  params_.clear();
  state_.clear();
  input_consumers_ = 0;
  for (Node& node : nodes_) node.consumers = 0;
  std::vector<Shape> in_shapes;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    Node& node = nodes_[i];
    in_shapes.clear();
    for (int input : node.inputs) {
      in_shapes.push_back(input == kNetworkInput ? input_shape_ : nodes_[static_cast<std::size_t>(input)].shape);
      ++(input == kNetworkInput ? input_consumers_ : nodes_[static_cast<std::size_t>(input)].consumers);
    }
    try {
      node.shape = node.multi != nullptr ? node.multi->setup_inputs(in_shapes) : node.layer->setup(in_shapes[0]);
    } catch (const Error& e) {
      throw LayerSetupError(e.code(), fmt::format("layer {} ({}): {}", i + 1, node.name, e.what()), i);
    }
    for (Param p : node.layer->params()) {
      p.name = node.name + "." + p.name;
      params_.push_back(p);
    }
    for (Param s : node.layer->state()) {
      s.name = node.name + "." + s.name;
      state_.push_back(s);
    }
  }
  // Conv + pool pairs: the pool reads only the conv, and nothing else reads the conv.
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    Node& pool = nodes_[i];
    pool.runs_pool_after = pool.runs_in_layer_before = false;
    if (i == 0 || !pool.layer->is_max_pool_2x2() || pool.inputs.size() != 1) continue;
    const int before = pool.inputs[0];
    if (before != static_cast<int>(i) - 1) continue;
    Node& conv = nodes_[i - 1];
    if (conv.consumers == 1 && !conv.runs_in_layer_before && conv.layer->can_fuse_max_pool_2x2()) {
      conv.runs_pool_after = true;
      pool.runs_in_layer_before = true;
    }
  }
  // Outputs in lent buffers: a layer whose backward never reads its output, read by layers whose
  // backward never reads their input (the last layer's output is the caller's).
  for (std::size_t i = 0; i + 1 < nodes_.size(); ++i) {
    Node& node = nodes_[i];
    node.output_lent = node.layer->output_can_be_lent() && node.consumers > 0 && !node.runs_pool_after;
    for (std::size_t j = i + 1; j < nodes_.size() && node.output_lent; ++j)
      for (int input : nodes_[j].inputs)
        if (input == static_cast<int>(i) && nodes_[j].layer->backward_reads_input()) node.output_lent = false;
  }
  nodes_.back().output_lent = false;
  const std::size_t n = nodes_.size();
  outputs_.assign(n, nullptr);
  grads_.assign(n, nullptr);
  grads_received_.assign(n, 0);
  grad_sums_.assign(n, nullptr);
  set_input_gradient(input_gradient_needed_);
  output_shape_ = nodes_.back().shape;
  return output_shape_;
}

void Net::set_input_gradient(bool needed) {
  input_gradient_needed_ = needed;
  for (Node& node : nodes_)
    if (std::find(node.inputs.begin(), node.inputs.end(), kNetworkInput) != node.inputs.end())
      node.layer->set_input_gradient(needed);
}

bool Net::is_chain() const {
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].inputs.size() != 1 || nodes_[i].inputs[0] != static_cast<int>(i) - 1) return false;
  return true;
}

const Tensor& Net::run_forward(const Tensor& x, Mode mode, bool fuse) {
  last_forward_fused_ = fuse;
  // One pool for both passes: the forward's lent outputs are dead when backward starts, and
  // backward's gradients when the next forward starts, but for the input's gradient, which
  // backward returned and which stays valid until the next backward.
  buffers_.reset();
  if (input_grad_ != nullptr) buffers_.add_reader(input_grad_);
  if (observer_ != nullptr) observer_->pass_begins(/*backward=*/false);
  const auto input_of = [&](int input) { return input == kNetworkInput ? &x : outputs_[static_cast<std::size_t>(input)]; };
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    Node& node = nodes_[i];
    if (fuse && node.runs_in_layer_before) continue;  // computed with the conv before it
    Tensor* lent = fuse && node.output_lent ? buffers_.lend() : nullptr;
    node.layer->lend_output_buffer(lent);
    if (fuse && node.runs_pool_after) {
      const Tensor* pooled = node.layer->forward_max_pooled_2x2(*input_of(node.inputs[0]), mode);
      CNN_CHECK(pooled != nullptr, "layer {} ({}) promised to run the pool after it and did not", i + 1, node.name);
      outputs_[i] = nullptr;
      outputs_[i + 1] = pooled;
    } else if (node.multi != nullptr) {
      inputs_buffer_.clear();
      for (int input : node.inputs) inputs_buffer_.push_back(input_of(input));
      outputs_[i] = &node.multi->forward_inputs(inputs_buffer_, mode);
    } else {
      outputs_[i] = &node.layer->forward(*input_of(node.inputs[0]), mode);
    }
    if (lent != nullptr) {
      node.layer->lend_output_buffer(nullptr);
      for (int k = 0; k < node.consumers; ++k) buffers_.add_reader(lent);
      buffers_.give_back(lent);
    }
    for (int input : node.inputs) buffers_.drop_reader(input_of(input));
    if (observer_ != nullptr) observer_->layer_done(i, /*backward=*/false);
  }
  // The lent outputs' memory is another layer's now.
  for (std::size_t i = 0; i + 1 < nodes_.size(); ++i)
    if (fuse && nodes_[i].output_lent) outputs_[i] = nullptr;
  return *outputs_.back();
}

void Net::receive_gradient(int producer, const Tensor* grad) {
  if (producer == kNetworkInput) {
    if (!input_gradient_needed_) return;
    if (input_consumers_ == 1) {
      input_grad_ = grad;
      buffers_.add_reader(grad);  // backward returns it: kept until the next backward
    } else if (input_grads_received_++ == 0) {
      input_grad_sum_ = *grad;
      input_grad_ = &input_grad_sum_;
    } else {
      std::transform(input_grad_sum_.data(), input_grad_sum_.data() + input_grad_sum_.size(), grad->data(),
                     input_grad_sum_.data(), [](float a, float b) { return a + b; });
    }
    return;
  }
  const auto p = static_cast<std::size_t>(producer);
  if (nodes_[p].consumers == 1) {
    grads_[p] = grad;
    buffers_.add_reader(grad);
    return;
  }
  if (grads_received_[p]++ == 0) {
    Tensor* sum = buffers_.lend();  // not `grad`'s buffer: that one is lent or read
    sum->resize(grad->shape());
    std::copy(grad->data(), grad->data() + grad->size(), sum->data());
    buffers_.add_reader(sum);
    buffers_.give_back(sum);
    grad_sums_[p] = sum;
    grads_[p] = sum;
  } else {
    Tensor& sum = *grad_sums_[p];
    CNN_CHECK(grad->shape() == sum.shape(), "layer {}: gradients of shapes {} and {}", p + 1, grad->shape().str(),
              sum.shape().str());
    std::transform(sum.data(), sum.data() + sum.size(), grad->data(), sum.data(), [](float a, float b) { return a + b; });
  }
}

const Tensor& Net::backward(const Tensor& dlogits) {
  std::fill(grads_.begin(), grads_.end(), nullptr);
  std::fill(grads_received_.begin(), grads_received_.end(), 0);
  buffers_.reset();
  input_grad_ = nullptr;
  input_grads_received_ = 0;
  grads_.back() = &dlogits;
  // A conv fused with its pool has no gradient of its own output: the pair's backward takes the pool's.
  CNN_CHECK(tapped_layer_ < 0 || !last_forward_fused_ || !nodes_[static_cast<std::size_t>(tapped_layer_)].runs_pool_after,
            "layer {} ({}): its output's gradient is tapped after a fused forward", tapped_layer_ + 1,
            tapped_layer_ >= 0 ? nodes_[static_cast<std::size_t>(tapped_layer_)].name : "");
  if (observer_ != nullptr) observer_->pass_begins(/*backward=*/true);
  for (std::size_t i = nodes_.size(); i-- > 0;) {
    Node& node = nodes_[i];
    const Tensor* dy = grads_[i];
    CNN_CHECK(dy != nullptr, "layer {} ({}): no gradient reached it", i + 1, node.name);
    if (static_cast<int>(i) == tapped_layer_) {
      tapped_gradient_.resize(dy->shape());
      std::copy(dy->data(), dy->data() + dy->size(), tapped_gradient_.data());
    }
    if (node.multi != nullptr) {  // keeps its own gradient buffers (add hands on dy itself)
      const std::vector<const Tensor*>& dx = node.multi->backward_inputs(*dy);
      for (std::size_t k = 0; k < node.inputs.size(); ++k) receive_gradient(node.inputs[k], dx[k]);
      buffers_.drop_reader(dy);
      if (observer_ != nullptr) observer_->layer_done(i, /*backward=*/true);
      continue;
    }
    // The conv before a fused pool runs the pool's backward with its own.
    const bool fused_pair = node.runs_in_layer_before && last_forward_fused_;
    Node& runner = fused_pair ? nodes_[i - 1] : node;
    Tensor* dx_buffer = buffers_.lend();
    runner.layer->lend_input_gradient_buffer(dx_buffer);
    const Tensor& dx = fused_pair ? runner.layer->backward_max_pooled_2x2(*dy) : runner.layer->backward(*dy);
    receive_gradient(runner.inputs[0], &dx);
    runner.layer->lend_input_gradient_buffer(nullptr);
    buffers_.give_back(dx_buffer);
    buffers_.drop_reader(dy);
    if (fused_pair) --i;
    if (observer_ != nullptr) observer_->layer_done(i, /*backward=*/true);
  }
  CNN_CHECK(input_grad_ != nullptr || !input_gradient_needed_, "no gradient reached the network's input");
  static const Tensor kNoGradient;
  return input_grad_ != nullptr ? *input_grad_ : kNoGradient;
}

void Net::tap_output_gradient(int layer) {
  CNN_CHECK(layer >= -1 && layer < static_cast<int>(nodes_.size()), "no layer {} to tap (the network has {})", layer,
            nodes_.size());
  tapped_layer_ = layer;
}

void Net::set_step(const StepContext& step) {
  StepContext at = step;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    at.layer = static_cast<std::int64_t>(i);
    nodes_[i].layer->set_step(at);
  }
}

void Net::set_batch_reducer(BatchReducer* reducer) {
  for (Node& node : nodes_) node.layer->set_batch_reducer(reducer);
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
  const bool chain = is_chain();
  std::string inputs_header = chain ? "" : fmt::format(" {:<20}", "inputs");
  std::string s = fmt::format("{:<10}{} {:<34} {:<16} {:>10}\n", "layer", inputs_header, "config", "output", "params");
  s += fmt::format("{:<10}{} {:<34} {:<16} {:>10}\n", "input", chain ? "" : fmt::format(" {:<20}", ""), "",
                   input_shape_.str(), "");
  for (const Node& node : nodes_) {
    std::size_t count = 0;
    for (const Param& p : node.layer->params()) count += p.value->size();
    std::string inputs;
    if (!chain) {
      std::string names;
      for (int input : node.inputs)
        names += (names.empty() ? "" : ", ") +
                 (input == kNetworkInput ? std::string(kNetworkInputName) : nodes_[static_cast<std::size_t>(input)].name);
      inputs = fmt::format(" {:<20}", names);
    }
    s += fmt::format("{:<10}{} {:<34} {:<16} {:>10}\n", node.name, inputs, node.layer->describe(), node.shape.str(), count);
  }
  s += fmt::format("total parameters: {}", parameter_count());
  return s;
}

}  // namespace cnn
