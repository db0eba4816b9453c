// Writes small IDX datasets for tests: synthetic, learnable images (each class a bright square
// at its own place on a noisy background), raw or gzip-compressed, plus helpers to write
// arbitrary bytes for the bad-file cases.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cnn::test {

struct SyntheticSet {
  std::vector<std::uint8_t> pixels;  // (count, 28, 28)
  std::vector<std::uint8_t> labels;
};

SyntheticSet make_synthetic(int count, std::uint64_t seed);

// IDX bytes (big-endian header) for images (count, rows, cols) or labels (count).
std::string idx_images_bytes(const std::vector<std::uint8_t>& pixels, int count, int rows, int cols);
std::string idx_labels_bytes(const std::vector<std::uint8_t>& labels);
std::string gzip_bytes(const std::string& raw);

void write_bytes(const std::string& path, const std::string& bytes);
std::string read_bytes(const std::string& path);

// Writes train-* (train_count) and t10k-* (test_count) files into dir, gzipped or raw.
void write_synthetic_mnist(const std::string& dir, int train_count, int test_count, bool gzip, std::uint64_t train_seed = 1001,
                           std::uint64_t test_seed = 2002);

}  // namespace cnn::test
