// IDX reader for MNIST-style datasets (raw or gzip, detected from the content).
//
// Format (big-endian): magic 0x00 0x00 type ndim, then ndim u32 dimensions, then the data.
// Images: type 0x08 (u8), ndim 3 (count, rows, cols). Labels: type 0x08, ndim 1 (count).
// The input is untrusted: sizes are checked with 64-bit arithmetic against the bytes the file
// can hold before anything is allocated, the payload must be exactly as long as the header says,
// and every problem is a cnn::Error(kData) naming the file and byte offset.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/image_set.hpp"

namespace cnn {

struct IdxLabels {
  std::vector<Label> labels;  // (count), each 0-255
};

// One channel per image (count, 1, rows, cols).
ImageSet read_idx_images(const std::string& path);
IdxLabels read_idx_labels(const std::string& path);

// Images and labels of one split, checked against each other (same count); the class count is
// the largest label + 1 (MNIST: 10).
Dataset load_dataset(const std::string& images_path, const std::string& labels_path);
// "<dir>/<stem>" or "<dir>/<stem>.gz", whichever exists; kData error naming both when neither does.
std::string find_idx_file(const std::string& dir, const std::string& stem);
// The training or test split (stems train-images-idx3-ubyte / t10k-...) found in dir; transpose
// turns every image over its diagonal (EMNIST stores its images transposed).
Dataset load_split(const std::string& dir, bool train, bool transpose = false);

// Swaps rows and columns of every image (height and width swap too).
void transpose_images(ImageSet& images);

constexpr int kMaxIdxSide = 1024;  // rows and cols above this are refused as absurd

}  // namespace cnn
