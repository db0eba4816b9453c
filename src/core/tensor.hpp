// Shape and Tensor: a dense float32 array in row-major order, dimensions named outermost first.
//
// Activations are NCHW (n, c, h, w) or (n, features); weights use PyTorch's layouts
// (conv OIHW, dense (out, in)) so that results compare with PyTorch directly.
// A Tensor owns one contiguous buffer. resize() keeps the allocation when the element count
// does not grow, so a layer's buffers are allocated on the first step and reused after.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/cache_line_allocator.hpp"

namespace cnn {

// A shape of at most kMaxRank dimensions, held inline: copying one (every layer's forward makes
// its output shape) never allocates, so the steady-state training loop allocates nothing.
class Shape {
 public:
  static constexpr int kMaxRank = 8;  // the model file's limit too (io/model_file.cpp)

  Shape() = default;
  Shape(std::initializer_list<int> dims);
  explicit Shape(const std::vector<int>& dims);

  int rank() const { return rank_; }
  int operator[](int axis) const;
  std::vector<int> dims() const { return std::vector<int>(begin(), end()); }
  const int* begin() const { return dims_.data(); }
  const int* end() const { return dims_.data() + rank_; }
  // Product of all dimensions (1 for rank 0).
  std::size_t numel() const;
  // The same shape with a new outermost dimension in front: (c, h, w) -> (n, c, h, w).
  Shape with_batch(int n) const;
  // The shape without its outermost dimension: (n, c, h, w) -> (c, h, w).
  Shape without_batch() const;
  std::string str() const;  // "(2, 3, 4)"

  bool operator==(const Shape& other) const { return std::equal(begin(), end(), other.begin(), other.end()); }
  bool operator!=(const Shape& other) const { return !(*this == other); }

 private:
  Shape(const int* first, const int* last);

  std::array<int, kMaxRank> dims_{};
  int rank_ = 0;
};

class Tensor {
 public:
  using Buffer = std::vector<float, CacheLineAllocator<float>>;  // whole cache lines: see the allocator

  Tensor() = default;
  explicit Tensor(const Shape& shape, float fill = 0.0f);

  const Shape& shape() const { return shape_; }
  std::size_t size() const { return data_.size(); }
  float* data() { return data_.data(); }
  const float* data() const { return data_.data(); }
  float& operator[](std::size_t i) { return data_[i]; }
  float operator[](std::size_t i) const { return data_[i]; }
  Buffer& values() { return data_; }
  const Buffer& values() const { return data_; }

  // Element (n, c, h, w) of a rank-4 tensor; bounds are checked only in debug builds.
  float& at(int n, int c, int h, int w);
  float at(int n, int c, int h, int w) const;

  // Changes the shape; the buffer is reallocated only when it must grow. Contents are unspecified.
  void resize(const Shape& shape);
  // Changes the shape without touching the data; the element count must stay the same.
  void reshape(const Shape& shape);
  void fill(float value);

 private:
  Shape shape_;
  Buffer data_;
};

}  // namespace cnn
