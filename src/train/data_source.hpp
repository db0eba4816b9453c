// Where a run's images come from (config `data.format`, docs/behaviour.md) and what the model
// file records about them: the one place that turns a DataConfig into a Dataset and a
// DataDescription (io/data_description.hpp), for train. A model's description back into its test
// set, for eval, is runtime/test_data.hpp's.
//
//   idx      dir/train-images-idx3-ubyte[.gz] ... (io/idx.hpp), optionally transposed (EMNIST),
//            class names from the config or a file; prepared in predict as MNIST-style digits
//   cifar10  dir/data_batch_1..5.bin, test_batch.bin (io/cifar10.hpp)
//   folder   dir/train/<class>/* and dir/test/<class>/*, or dir/<class>/* (io/image_folder.hpp),
//            decoded and resized to the model's input (io/resize_prep.hpp)
//
// Normalisation `auto` is the per-channel mean and (population) standard deviation of the
// training images, those not held out for validation, on the [0, 1] scale.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "io/data_description.hpp"
#include "io/image_set.hpp"
#include "runtime/test_data.hpp"
#include "train/run_config.hpp"

namespace cnn {

// The training set (validation included) of a run whose model takes `input`.
LoadedData load_training_data(const DataConfig& config, const Shape& input, const DataLoadOptions& options);

// What the model file records: the first train_images images of `train` are the training images
// (for normalisation auto).
DataDescription describe_data(const DataConfig& config, const Dataset& train, int train_images, const Shape& input);

// Per-channel mean and standard deviation of images [0, count) on the [0, 1] scale; a constant
// channel (standard deviation below 1e-6) is a kData error.
Normalization channel_statistics(const ImageSet& images, int count);

}  // namespace cnn
