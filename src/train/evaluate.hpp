// Evaluation of a network on a range of a dataset: mean loss, accuracy, confusion matrix and
// per-image predictions. Used for validation during training and by `cnn eval`.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "io/idx.hpp"
#include "net/replica_set.hpp"

namespace cnn {

struct EvalResult {
  int count = 0;
  int correct = 0;
  double loss = 0.0;  // mean cross-entropy
  std::array<std::array<std::int64_t, kNumClasses>, kNumClasses> confusion{};  // [true][predicted]
  std::vector<std::uint8_t> predictions;                                         // one per image

  double accuracy() const { return count > 0 ? static_cast<double>(correct) / count : 0.0; }
  double precision(int cls) const;  // of the images predicted as cls, the fraction that are cls
  double recall(int cls) const;     // of the images of class cls, the fraction predicted as cls
};

// Evaluates images [first, first + count) in batches of batch_size, each batch split over the
// replicas' threads.
EvalResult evaluate(ReplicaSet& replicas, const IdxImages& images, const std::vector<std::uint8_t>& labels, int first,
                    int count, int batch_size);

}  // namespace cnn
