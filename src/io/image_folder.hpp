// Folders of images, one subfolder per class (the torchvision ImageFolder and Keras
// image_dataset_from_directory convention):
//
//   <dir>/train/<class>/*   the training set, and optionally <dir>/test/<class>/* the test set;
//   <dir>/<class>/*         without a train/ subfolder: the training set (no test set).
//
// Class names are the class folders' names sorted by their bytes (Python's sorted() of the names);
// label c is the c-th name. Folders and files whose names start with '.' are ignored, as are files
// that are not .png, .jpg, .jpeg or .bmp (extensions compared case-insensitively). Each image is
// read and converted to the model's channels and size by io/resize_prep.hpp, in parallel on the
// worker threads. Errors (kData): no class folders, a class folder without images, a class in test/
// that train/ does not have, and an image that cannot be decoded (naming the file), unless
// skip_bad is set: then such files are skipped and counted.
//
// Training images are listed class by class, files in sorted order, then shuffled with a fixed
// seed, so that data.validation (the last images) holds a mix of classes, the same on every run.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "io/image_set.hpp"

namespace cnn {

struct FolderLayout {
  std::string train;                // the folder holding the training classes
  std::optional<std::string> test;  // the folder holding the test classes, when there is one
};
// Where the splits of `dir` are (kData error when dir is not a folder).
FolderLayout find_folder_layout(const std::string& dir);

struct FolderOptions {
  int channels = 1, height = 28, width = 28;  // the model's input
  bool skip_bad = false;                      // skip undecodable files instead of failing
  int threads = 1;
  // Called now and then on the calling thread with the images decoded so far and the total.
  std::function<void(int done, int total)> progress;
};

struct FolderLoad {
  Dataset data;
  std::vector<std::string> skipped;  // "file: why" for each undecodable file skipped
  int ignored = 0;                   // files that are not images by their extension
};

// The classes of `root` (one subfolder each). known_classes null: the class names are the sorted
// subfolders (a training set). Otherwise every subfolder must be one of known_classes and labels
// are indices into it (a test set, for a model trained on known_classes). shuffle: the fixed-seed
// order of a training set (else class by class, files sorted).
FolderLoad load_image_folder(const std::string& root, const std::vector<std::string>* known_classes, bool shuffle,
                             const FolderOptions& options);

// Whether a file name has an image extension (.png, .jpg, .jpeg, .bmp, any case).
bool has_image_extension(const std::string& filename);

}  // namespace cnn
