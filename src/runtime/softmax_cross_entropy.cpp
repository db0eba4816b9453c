// SoftmaxCrossEntropy implementation; formulas in softmax_cross_entropy.hpp.
#include "runtime/softmax_cross_entropy.hpp"

#include <cmath>

#include "core/error.hpp"

namespace cnn {

int argmax(const float* row, int k) {
  int best = 0;
  for (int j = 1; j < k; ++j)
    if (row[j] > row[best]) best = j;
  return best;
}

namespace {

// Writes softmax(row) into out and returns log Σ exp(row - max) + max (the log-partition).
double softmax_row(const float* row, float* out, int k) {
  float m = row[0];
  for (int j = 1; j < k; ++j) m = std::max(m, row[j]);
  double sum = 0.0;
  for (int j = 0; j < k; ++j) {
    const float e = std::exp(row[j] - m);
    out[j] = e;
    sum += e;
  }
  const float inv = static_cast<float>(1.0 / sum);
  for (int j = 0; j < k; ++j) out[j] *= inv;
  return std::log(sum) + m;
}

}  // namespace

void softmax_rows(const Tensor& logits, Tensor& probs) {
  CNN_CHECK(logits.shape().rank() == 2, "softmax needs (N, K) logits, got {}", logits.shape().str());
  probs.resize(logits.shape());
  const int n = logits.shape()[0], k = logits.shape()[1];
  for (int s = 0; s < n; ++s) {
    const std::size_t off = static_cast<std::size_t>(s) * k;
    softmax_row(logits.data() + off, probs.data() + off, k);
  }
}

double SoftmaxCrossEntropy::forward(const Tensor& logits, const Label* labels) {
  CNN_CHECK(logits.shape().rank() == 2, "loss needs (N, K) logits, got {}", logits.shape().str());
  const int n = logits.shape()[0], k = logits.shape()[1];
  probs_.resize(logits.shape());
  labels_ = labels;
  correct_ = 0;
  row_losses_.resize(static_cast<std::size_t>(n));
  double total = 0.0;
  for (int s = 0; s < n; ++s) {
    const std::size_t off = static_cast<std::size_t>(s) * k;
    const float* z = logits.data() + off;
    const int t = labels[s];
    CNN_CHECK(t < k, "label {} of sample {} is not below the {} classes", t, s, k);
    const double log_partition = softmax_row(z, probs_.data() + off, k);
    if (smoothing_ > 0.0f) {
      double sum_z = 0.0;
      for (int j = 0; j < k; ++j) sum_z += z[j];
      row_losses_[static_cast<std::size_t>(s)] = log_partition - (1.0 - smoothing_) * z[t] - smoothing_ * sum_z / k;
    } else {
      row_losses_[static_cast<std::size_t>(s)] = log_partition - z[t];
    }
    total += row_losses_[static_cast<std::size_t>(s)];
    if (argmax(z, k) == t) ++correct_;
  }
  return n > 0 ? total / n : 0.0;
}

const Tensor& SoftmaxCrossEntropy::backward() { return backward(1.0f / static_cast<float>(probs_.shape()[0])); }

const Tensor& SoftmaxCrossEntropy::backward(float scale) {
  CNN_CHECK(labels_ != nullptr, "loss: backward before forward");
  const int n = probs_.shape()[0], k = probs_.shape()[1];
  dlogits_.resize(probs_.shape());
  const float inv_n = scale;
  for (int s = 0; s < n; ++s) {
    const std::size_t off = static_cast<std::size_t>(s) * k;
    if (smoothing_ > 0.0f) {  // p - ((1 - e) onehot + e / K)
      const float spread = smoothing_ / static_cast<float>(k);
      for (int j = 0; j < k; ++j) dlogits_[off + j] = (probs_[off + j] - spread) * inv_n;
      dlogits_[off + labels_[s]] -= (1.0f - smoothing_) * inv_n;
      continue;
    }
    for (int j = 0; j < k; ++j) dlogits_[off + j] = probs_[off + j] * inv_n;
    dlogits_[off + labels_[s]] -= inv_n;
  }
  return dlogits_;
}

}  // namespace cnn
