// Evaluation implementation.
#include "runtime/evaluate.hpp"

#include <algorithm>
#include <numeric>

#include "core/error.hpp"
#include "runtime/network_input.hpp"
#include "runtime/softmax_cross_entropy.hpp"

namespace cnn {

namespace {
// Images per forward call within one thread's slice (measured on LeNet-5: see docs/performance.md).
constexpr int kEvalChunk = 32;
}  // namespace

double EvalResult::precision(int cls) const {
  std::int64_t predicted = 0;
  for (int t = 0; t < classes(); ++t) predicted += confusion[t][cls];
  return predicted > 0 ? static_cast<double>(confusion[cls][cls]) / predicted : 0.0;
}

std::int64_t EvalResult::support(int cls) const {
  std::int64_t actual = 0;
  for (int p = 0; p < classes(); ++p) actual += confusion[cls][p];
  return actual;
}

double EvalResult::recall(int cls) const {
  const std::int64_t actual = support(cls);
  return actual > 0 ? static_cast<double>(confusion[cls][cls]) / actual : 0.0;
}

EvalResult evaluate(ReplicaSet& replicas, const ImageSet& images, const std::vector<Label>& labels, int first,
                    int count, int batch_size, const Normalization& normalization, bool keep_probabilities,
                    TestTimeAugmentation tta) {
  const Shape& out = replicas.net(0).output_shape();
  CNN_CHECK(out.rank() == 1, "evaluate needs a network with one output per class, not {}", out.str());
  const int classes = out[0];
  EvalResult result;
  result.confusion.assign(static_cast<std::size_t>(classes), std::vector<std::int64_t>(static_cast<std::size_t>(classes), 0));
  result.count = count;
  result.predictions.resize(static_cast<std::size_t>(count));
  result.losses.resize(static_cast<std::size_t>(count));
  if (keep_probabilities) result.probabilities.resize(static_cast<std::size_t>(count) * classes);
  std::vector<std::uint32_t> indices(static_cast<std::size_t>(count));
  std::iota(indices.begin(), indices.end(), static_cast<std::uint32_t>(first));
  struct Member {
    Tensor x;
    TtaScratch tta_scratch;
    std::vector<Label> labels;
    SoftmaxCrossEntropy loss;
  };
  std::vector<Member> members(static_cast<std::size_t>(replicas.size()));
  for (int start = 0; start < count; start += batch_size) {
    const int n = std::min(batch_size, count - start);
    replicas.run([&](int m, Net& net) {
      const auto [begin, end] = slice_of(n, replicas.size(), m);
      Member& me = members[static_cast<std::size_t>(m)];
      // A few images at a time, so that every layer's output stays in the core's cache on its
      // way to the next layer; a whole slice of 500 streams megabytes through memory per layer.
      for (int chunk = begin; chunk < end; chunk += kEvalChunk) {
        const int images_here = std::min(kEvalChunk, end - chunk);
        fill_batch(images, labels, indices.data() + start + chunk, images_here, net.input_shape(), me.x, &me.labels,
                   normalization);
        const Tensor& logits = tta_logits(net, me.x, tta, me.tta_scratch);
        me.loss.forward(logits, me.labels.data());
        for (int s = 0; s < images_here; ++s) {
          const auto image = static_cast<std::size_t>(start + chunk + s);
          result.predictions[image] = static_cast<Label>(argmax(logits.data() + static_cast<std::size_t>(s) * classes, classes));
          result.losses[image] = me.loss.row_loss(s);
        }
        if (keep_probabilities) {
          // The loss has just computed the softmax of these logits.
          const Tensor& p = me.loss.probabilities();
          std::copy(p.data(), p.data() + static_cast<std::size_t>(images_here) * classes,
                    result.probabilities.data() + static_cast<std::size_t>(start + chunk) * classes);
        }
      }
    });
  }
  // Summed in image order: the same number for any thread count, batch size or rank count.
  double loss_sum = 0.0;
  for (double l : result.losses) loss_sum += l;
  for (int i = 0; i < count; ++i) {
    const Label truth = labels[static_cast<std::size_t>(first + i)], predicted = result.predictions[static_cast<std::size_t>(i)];
    ++result.confusion[static_cast<std::size_t>(truth)][static_cast<std::size_t>(predicted)];
    if (truth == predicted) ++result.correct;
  }
  result.loss = count > 0 ? loss_sum / count : 0.0;
  return result;
}

EvalResult evaluate_across(Communicator& comm, ReplicaSet& replicas, const ImageSet& images,
                           const std::vector<Label>& labels, int first, int count, int batch_size,
                           const Normalization& normalization, TestTimeAugmentation tta) {
  if (comm.size() == 1) return evaluate(replicas, images, labels, first, count, batch_size, normalization, false, tta);
  const auto [begin, end] = slice_of(count, comm.size(), comm.rank());
  const EvalResult mine = evaluate(replicas, images, labels, first + begin, end - begin, batch_size, normalization, false, tta);
  // One buffer: a spare slot, the correct count, the confusion matrix, then two per image (this
  // rank's predictions and losses in its slice, zero elsewhere). Counts below 2^53 add exactly in
  // double, and a slot that one rank fills and the others leave at zero adds exactly too, so the
  // losses are then summed in image order as one process sums them.
  const std::size_t classes = mine.confusion.size();
  const std::size_t image_count = static_cast<std::size_t>(count);
  std::vector<double> all(2 + classes * classes + 2 * image_count, 0.0);
  all[1] = mine.correct;
  for (std::size_t t = 0; t < classes; ++t)
    for (std::size_t p = 0; p < classes; ++p) all[2 + t * classes + p] = static_cast<double>(mine.confusion[t][p]);
  for (int i = begin; i < end; ++i) {
    all[2 + classes * classes + static_cast<std::size_t>(i)] = mine.predictions[static_cast<std::size_t>(i - begin)];
    all[2 + classes * classes + image_count + static_cast<std::size_t>(i)] = mine.losses[static_cast<std::size_t>(i - begin)];
  }
  comm.sum(all.data(), all.size());
  EvalResult result;
  result.count = count;
  result.correct = static_cast<int>(all[1]);
  const double* losses = all.data() + 2 + classes * classes + image_count;
  result.losses.assign(losses, losses + image_count);
  double loss_sum = 0.0;
  for (double l : result.losses) loss_sum += l;
  result.loss = count > 0 ? loss_sum / count : 0.0;
  result.confusion.assign(classes, std::vector<std::int64_t>(classes, 0));
  for (std::size_t t = 0; t < classes; ++t)
    for (std::size_t p = 0; p < classes; ++p) result.confusion[t][p] = static_cast<std::int64_t>(all[2 + t * classes + p]);
  result.predictions.resize(static_cast<std::size_t>(count));
  const double* predictions = all.data() + 2 + classes * classes;
  for (int i = 0; i < count; ++i)
    result.predictions[static_cast<std::size_t>(i)] = static_cast<Label>(predictions[static_cast<std::size_t>(i)]);
  return result;
}

}  // namespace cnn
