// Dropout implementation; semantics in dropout.hpp.
#include "layers/dropout.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace cnn {
namespace {

// Keeps the dropout streams apart from the initialisation and shuffling streams of the same seed.
constexpr std::uint64_t kDropoutStream = 0xd40b0d40b0d40b0dULL;

// A 64-bit mix (splitmix64's finaliser) of a running key and one more value.
std::uint64_t mix(std::uint64_t key, std::uint64_t value) {
  std::uint64_t z = key ^ (value + 0x9e3779b97f4a7c15ULL + (key << 6) + (key >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

Dropout::Dropout(const DropoutConfig& config) : config_(config) {
  CNN_CHECK(config.rate >= 0.0 && config.rate < 1.0, "dropout: rate {} outside [0, 1)", config.rate);
  threshold_ = static_cast<std::uint64_t>(std::llround(config.rate * 4294967296.0));
  keep_scale_ = static_cast<float>(1.0 / (1.0 - config.rate));
}

std::string Dropout::describe() const { return fmt::format("rate {:g}", config_.rate); }

Shape Dropout::setup(const Shape& in) {
  in_shape_ = in;
  return in;
}

void Dropout::draw_mask(int n) {
  const std::size_t per_sample = in_shape_.numel();
  const std::uint64_t key = mix(mix(mix(step_.seed ^ kDropoutStream, static_cast<std::uint64_t>(step_.step)),
                                    static_cast<std::uint64_t>(step_.layer)),
                                0);
  for (int s = 0; s < n; ++s) {
    Rng rng(mix(key, static_cast<std::uint64_t>(step_.first_sample + s)));
    float* m = mask_.data() + static_cast<std::size_t>(s) * per_sample;
    std::size_t i = 0;
    for (; i + 2 <= per_sample; i += 2) {
      const std::uint64_t bits = rng.next_u64();
      m[i] = (bits & 0xffffffffULL) < threshold_ ? 0.0f : keep_scale_;
      m[i + 1] = (bits >> 32) < threshold_ ? 0.0f : keep_scale_;
    }
    if (i < per_sample) m[i] = (rng.next_u64() & 0xffffffffULL) < threshold_ ? 0.0f : keep_scale_;
  }
}

const Tensor& Dropout::forward(const Tensor& x, Mode mode) {
  const int n = x.shape()[0];
  CNN_CHECK(x.shape() == in_shape_.with_batch(n), "dropout: input {} does not match setup {}", x.shape().str(),
            in_shape_.str());
  y_.resize(x.shape());
  backward_ready_ = backward_follows(mode);
  identity_ = mode != Mode::kTrain;
  if (identity_) {
    std::copy(x.data(), x.data() + x.size(), y_.data());
    return y_;
  }
  mask_.resize(x.shape());
  draw_mask(n);
  const float* xs = x.data();
  const float* m = mask_.data();
  float* y = y_.data();
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = xs[i] * m[i];
  return y_;
}

const Tensor& Dropout::backward(const Tensor& dy) {
  CNN_CHECK(backward_ready_, "dropout: backward needs a forward in training mode");
  CNN_CHECK(dy.shape() == y_.shape(), "dropout: gradient {} does not match output {}", dy.shape().str(),
            y_.shape().str());
  Tensor& dx = input_gradient_buffer();
  dx.resize(dy.shape());
  if (identity_) {
    std::copy(dy.data(), dy.data() + dy.size(), dx.data());
    return dx;
  }
  const float* g = dy.data();
  const float* m = mask_.data();
  float* d = dx.data();
  for (std::size_t i = 0; i < dy.size(); ++i) d[i] = g[i] * m[i];
  return dx;
}

}  // namespace cnn

namespace cnn {
namespace {

// config: dropout: {rate: 0.25}; model file: {"rate": 0.25}
DropoutConfig read_dropout(const LayerOptions& o) {
  o.allow_only({"rate"});
  DropoutConfig c;
  if (o.has("rate")) c.rate = o.number("rate", 0.0, 0.999);
  return c;
}

nlohmann::json write_dropout(const DropoutConfig& c) { return {{"rate", c.rate}}; }

}  // namespace

const LayerKind& dropout_layer_kind() {
  static const LayerKind kind = layer_kind<Dropout>("dropout", read_dropout, write_dropout);
  return kind;
}

}  // namespace cnn
