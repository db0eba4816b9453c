// RunConfig: what one training run is told: its data, its network, its training settings and its
// run folder. Read from a config file by config/config.hpp; recorded in checkpoints as settings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/data_description.hpp"
#include "net/model_spec.hpp"
#include "runtime/test_time_augmentation.hpp"
#include "train/augment.hpp"
#include "train/optimizer.hpp"
#include "train/schedule.hpp"
#include "train/weight_average.hpp"

namespace cnn {

// How the data's per-channel normalisation is chosen (io/data_description.hpp Normalization).
enum class NormalizeMode { kNone, kAuto, kGiven };

struct DataConfig {
  std::string dir = "data/mnist";  // idx: the four IDX files, raw or .gz; cifar10: the .bin batches;
                                   // folder: <dir>/train/<class>/* (io/image_folder.hpp)
  int validation = 5000;           // training images held out (the last ones)
  DataFormat format = DataFormat::kIdx;
  bool transpose = false;                // idx: images stored transposed (EMNIST)
  std::vector<std::string> class_names;  // idx: class names given in the config
  std::string class_names_file;          // idx: or read from this file, one per line
  NormalizeMode normalize = NormalizeMode::kNone;  // kAuto: mean/std of the training images
  Normalization normalization;                     // kGiven: the values
  bool skip_bad_images = false;                    // folder: skip undecodable files (counted)
};

struct TrainSettings {
  int epochs = 10;
  int batch_size = 32;
  OptimizerConfig optimizer;
  ScheduleConfig schedule;
  // PyTorch's CrossEntropyLoss(label_smoothing): the training loss's target is (1 - e) onehot + e / K
  // (runtime/softmax_cross_entropy.hpp); validation and test losses stay plain cross-entropy.
  float label_smoothing = 0.0f;
  // PyTorch's clip_grad_norm_(max_norm) on the batch's gradient before each update; 0: off.
  float clip_grad_norm = 0.0f;
  // Keras's EarlyStopping(monitor='val_accuracy', patience): training ends once this many epochs
  // in a row have not raised the best validation accuracy; 0: off. Needs validation images.
  int early_stopping_patience = 0;
  // Whether weight decay applies to biases too (the default, as before); batch norm's gamma and
  // beta are never decayed.
  bool decay_biases = true;
  // An exponential moving average of the weights (train/weight_average.hpp): validated, and saved
  // as model.bin's and best.bin's weights, in place of the optimizer's; off unless asked for.
  AverageConfig average;
  // TensorBoard event files in the run folder (cli/tensorboard_log.hpp); `cnn train --tensorboard` too.
  bool tensorboard = false;
  std::uint64_t seed = 1;
  int threads = 0;  // 0: all cores
  AugmentConfig augment;  // off unless the config asks (training images only)
  // The validation evaluation's test-time augmentation (runtime/test_time_augmentation.hpp): the
  // validation accuracy, best.bin and early stopping go by it; training itself is unchanged.
  TestTimeAugmentation validation_tta = TestTimeAugmentation::kNone;
};

struct RunConfig {
  DataConfig data;
  ModelSpec model;
  TrainSettings train;
  std::string output = "runs/default";
  std::string text;  // the YAML source, kept in checkpoints
};

}  // namespace cnn
