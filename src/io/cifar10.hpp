// CIFAR-10 binary batches (https://www.cs.toronto.edu/~kriz/cifar.html, "binary version"):
//   data_batch_1.bin ... data_batch_5.bin (training, 50,000 images), test_batch.bin (10,000),
//   batches.meta.txt (the ten class names, one per line).
// Each batch file is exactly 10,000 records of 3,073 bytes (30,730,000 bytes): one label byte
// (0-9), then 3,072 pixel bytes: the 1,024 red values of the 32x32 image in row-major order, then
// the green, then the blue. That is the planar (channels, height, width) layout of an ImageSet, so
// records are copied as they are.
//
// Untrusted input: a file of any other length is refused before it is read (kData, naming the
// file, its length and the expected one), and a label above 9 is refused naming the file, record
// and byte offset.
#pragma once

#include <cstdint>
#include <string>

#include "io/image_set.hpp"

namespace cnn {

constexpr int kCifarSide = 32;
constexpr int kCifarChannels = 3;
constexpr int kCifarClasses = 10;
constexpr std::size_t kCifarRecordBytes = 1 + kCifarChannels * kCifarSide * kCifarSide;  // 3,073
constexpr int kCifarRecordsPerFile = 10000;
constexpr std::uint64_t kCifarFileBytes = kCifarRecordBytes * kCifarRecordsPerFile;  // 30,730,000

// Appends the records in bytes[0, size) to `out` (images 3x32x32, labels); size must be a multiple
// of kCifarRecordBytes. Exposed for the tests and the fuzz target.
void decode_cifar10_records(const std::uint8_t* bytes, std::size_t size, const std::string& name, Dataset& out);

// One batch file, which must be exactly kCifarFileBytes long.
void read_cifar10_file(const std::string& path, Dataset& out);

// The training split (data_batch_1..5.bin, in order) or the test split (test_batch.bin) of dir,
// with 10 classes and the names of batches.meta.txt when the file is there ("0" to "9" otherwise).
Dataset load_cifar10(const std::string& dir, bool train);

}  // namespace cnn
