// LeakyRelu implementation; semantics in leaky_relu.hpp. Both loops multiply by a selected factor
// (1 or slope; 1 * x is exactly x), which GCC vectorises where a select of values was not.
#include "layers/leaky_relu.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace cnn {

LeakyRelu::LeakyRelu(const LeakyReluConfig& config) : slope_(static_cast<float>(config.slope)) {
  CNN_CHECK(config.slope >= 0.0 && config.slope < 1.0, "leaky_relu: slope {} outside [0, 1)", config.slope);
}

std::string LeakyRelu::describe() const { return fmt::format("slope {:g}", slope_); }

const Tensor& LeakyRelu::forward(const Tensor& x, Mode) {
  y_.resize(x.shape());
  const float* xs = x.data();
  float* y = y_.data();
  const float slope = slope_;  // a local: a store through y could change the member, as far as GCC knows
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = (xs[i] > 0.0f ? 1.0f : slope) * xs[i];  // a select of factors: vectorises
  return y_;
}

const Tensor& LeakyRelu::backward(const Tensor& dy) {
  CNN_CHECK(dy.shape() == y_.shape(), "leaky_relu: gradient {} does not match output {}", dy.shape().str(),
            y_.shape().str());
  Tensor& dx = input_gradient_buffer();
  dx.resize(dy.shape());
  const float* g = dy.data();
  const float* y = y_.data();
  float* d = dx.data();
  const float slope = slope_;
  for (std::size_t i = 0; i < dy.size(); ++i) d[i] = (y[i] > 0.0f ? 1.0f : slope) * g[i];
  return dx;
}

}  // namespace cnn

namespace cnn {
namespace {

// config: leaky_relu, or leaky_relu: {slope: 0.1}; model file: {"slope": 0.1}
LeakyReluConfig read_leaky_relu(const LayerOptions& o) {
  o.allow_only({"slope"});
  LeakyReluConfig c;
  if (o.has("slope")) c.slope = o.number("slope", 0.0, 0.999);
  return c;
}

nlohmann::json write_leaky_relu(const LeakyReluConfig& c) { return {{"slope", c.slope}}; }

}  // namespace

const LayerKind& leaky_relu_layer_kind() {
  static const LayerKind kind = layer_kind<LeakyRelu>("leaky_relu", read_leaky_relu, write_leaky_relu);
  return kind;
}

}  // namespace cnn
