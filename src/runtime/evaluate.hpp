// Evaluation of a network on a range of a dataset: mean loss, accuracy, confusion matrix and
// per-image predictions. Used for validation during training and by `cnn eval`.
#pragma once

#include <cstdint>
#include <vector>

#include "core/communicator.hpp"
#include "io/data_description.hpp"
#include "io/image_set.hpp"
#include "net/replica_set.hpp"
#include "runtime/test_time_augmentation.hpp"

namespace cnn {

struct EvalResult {
  int count = 0;
  int correct = 0;
  double loss = 0.0;                                 // mean cross-entropy: Σ losses in image order / count
  std::vector<double> losses;                        // per image, in order
  std::vector<std::vector<std::int64_t>> confusion;  // (classes, classes): [true][predicted]
  std::vector<Label> predictions;                    // one per image
  std::vector<float> probabilities;                  // (count, classes) softmax, when asked for

  int classes() const { return static_cast<int>(confusion.size()); }
  std::int64_t support(int cls) const;  // images whose true class is cls
  double accuracy() const { return count > 0 ? static_cast<double>(correct) / count : 0.0; }
  double precision(int cls) const;  // of the images predicted as cls, the fraction that are cls
  double recall(int cls) const;     // of the images of class cls, the fraction predicted as cls
};

// Evaluates images [first, first + count) in batches of batch_size, each batch split over the
// replicas' threads. With keep_probabilities, result.probabilities holds each image's softmax
// (the report's most confident mistakes need them).
// The network's output size is the class count; every label must lie below it (check_labels).
// `normalization` is the model's (io/data_description.hpp), applied as in training.
// `tta`: each image's logits averaged over its views first (runtime/test_time_augmentation.hpp).
EvalResult evaluate(ReplicaSet& replicas, const ImageSet& images, const std::vector<Label>& labels, int first,
                    int count, int batch_size, const Normalization& normalization = {}, bool keep_probabilities = false,
                    TestTimeAugmentation tta = TestTimeAugmentation::kNone);

// The same over several ranks: each evaluates its slice (slice_of, in rank order) of the images,
// then the counts, the loss and the predictions are added over the ranks; every rank gets the
// whole result.
EvalResult evaluate_across(Communicator& comm, ReplicaSet& replicas, const ImageSet& images,
                           const std::vector<Label>& labels, int first, int count, int batch_size,
                           const Normalization& normalization = {}, TestTimeAugmentation tta = TestTimeAugmentation::kNone);

}  // namespace cnn
