// SoftmaxCrossEntropy: softmax and cross-entropy as one loss, numerically stable.
//
//   logits z (N, K), labels t (N) in [0, K)
//   p = softmax(z) row-wise, computed as exp(z - max z) / Σ exp(z - max z)
//   L = (1/N) Σ_n [ log Σ_k exp(z_nk - m_n) + m_n - z_n,t_n ]   (log-sum-exp: no overflow)
//   dL/dz = (p - onehot(t)) / N
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.hpp"
#include "io/image_set.hpp"

namespace cnn {

class SoftmaxCrossEntropy {
 public:
  // PyTorch's label_smoothing e in [0, 1): the target is (1 - e) onehot + e / K, so a row's loss
  // is log Σ exp z - (1 - e) z_label - e mean(z) and dL/dz = p - target. 0 (the default) is plain
  // cross-entropy, computed as before.
  void set_label_smoothing(float e) { smoothing_ = e; }
  // Returns the mean loss over the batch and keeps the probabilities for backward().
  double forward(const Tensor& logits, const Label* labels);
  // dL/dlogits for the last forward: (p - onehot) / N.
  const Tensor& backward();
  // (p - onehot) * scale: a slice of a larger batch passes 1 / (whole batch size).
  const Tensor& backward(float scale);
  const Tensor& probabilities() const { return probs_; }
  // Rows whose largest logit (first on ties) is the label, in the last forward.
  int correct() const { return correct_; }
  // Row s's own loss in the last forward (log-partition minus the label's logit), so that a caller
  // can sum per-image losses in a fixed order whatever the batches were.
  double row_loss(int s) const { return row_losses_[static_cast<std::size_t>(s)]; }

 private:
  const Label* labels_ = nullptr;
  float smoothing_ = 0.0f;
  int correct_ = 0;
  std::vector<double> row_losses_;  // (N)
  Tensor probs_;    // (N, K)
  Tensor dlogits_;  // (N, K)
};

// Softmax of each row of logits (N, K) into probs; stable. For inference.
void softmax_rows(const Tensor& logits, Tensor& probs);
// Index of the largest value of row[0..k) (first on ties).
int argmax(const float* row, int k);

}  // namespace cnn
