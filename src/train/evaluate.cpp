// Evaluation implementation.
#include "train/evaluate.hpp"

#include <numeric>

#include "core/error.hpp"
#include "train/batch.hpp"
#include "train/softmax_cross_entropy.hpp"

namespace cnn {

double EvalResult::precision(int cls) const {
  std::int64_t predicted = 0;
  for (int t = 0; t < kNumClasses; ++t) predicted += confusion[t][cls];
  return predicted > 0 ? static_cast<double>(confusion[cls][cls]) / predicted : 0.0;
}

double EvalResult::recall(int cls) const {
  std::int64_t actual = 0;
  for (int p = 0; p < kNumClasses; ++p) actual += confusion[cls][p];
  return actual > 0 ? static_cast<double>(confusion[cls][cls]) / actual : 0.0;
}

EvalResult evaluate(Net& net, const IdxImages& images, const std::vector<std::uint8_t>& labels, int first, int count,
                    int batch_size) {
  CNN_CHECK(net.output_shape() == Shape{kNumClasses}, "evaluate needs a {}-class network", kNumClasses);
  EvalResult result;
  result.count = count;
  result.predictions.resize(static_cast<std::size_t>(count));
  std::vector<std::uint32_t> indices(static_cast<std::size_t>(count));
  std::iota(indices.begin(), indices.end(), static_cast<std::uint32_t>(first));
  Tensor x;
  std::vector<std::uint8_t> batch_labels;
  SoftmaxCrossEntropy loss;
  double loss_sum = 0.0;
  for (int start = 0; start < count; start += batch_size) {
    const int n = std::min(batch_size, count - start);
    fill_batch(images, labels, indices.data() + start, n, net.input_shape(), x, &batch_labels);
    const Tensor& logits = net.forward(x, Mode::kInfer);
    loss_sum += loss.forward(logits, batch_labels.data()) * n;
    result.correct += loss.correct();
    for (int s = 0; s < n; ++s) {
      const int predicted = argmax(logits.data() + static_cast<std::size_t>(s) * kNumClasses, kNumClasses);
      result.predictions[static_cast<std::size_t>(start + s)] = static_cast<std::uint8_t>(predicted);
      ++result.confusion[batch_labels[static_cast<std::size_t>(s)]][predicted];
    }
  }
  result.loss = count > 0 ? loss_sum / count : 0.0;
  return result;
}

}  // namespace cnn
