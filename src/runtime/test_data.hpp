// A model's test set, from the description its file records (io/data_description.hpp) and a folder
// the user names: what `cnn eval` and the report evaluate on. The loading options and result are
// shared with the training data's loader (train/data_source.hpp).
//
//   idx      dir/t10k-images-idx3-ubyte[.gz], dir/t10k-labels-idx1-ubyte[.gz] (io/idx.hpp),
//            transposed when the model's were (EMNIST)
//   cifar10  dir/test_batch.bin (io/cifar10.hpp)
//   folder   dir/test/<class>/* (io/image_folder.hpp), labelled by the model's class names and
//            decoded and resized to its input (io/resize_prep.hpp)
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "io/data_description.hpp"
#include "io/image_folder.hpp"
#include "io/image_set.hpp"

namespace cnn {

struct DataLoadOptions {
  int threads = 1;                                   // image decoding (folder data)
  std::function<void(int done, int total)> progress;  // image decoding progress (folder data)
};

struct LoadedData {
  Dataset data;
  std::vector<std::string> skipped;  // folder: undecodable files skipped ("file: why")
  int ignored = 0;                   // folder: files without an image extension
};

// The test set for a model described by `description` taking `input`, from dir: idx t10k-* files,
// CIFAR's test_batch.bin, or a folder's dir/test/<class>/* (labels by the model's class names).
LoadedData load_test_data(const DataDescription& description, const std::string& dir, const Shape& input,
                          const DataLoadOptions& options);

// The folder loader's options for a model input and the loading options (shared with training).
FolderOptions folder_options(const Shape& input, const DataLoadOptions& options, bool skip_bad);
LoadedData from_folder(FolderLoad load);

}  // namespace cnn
