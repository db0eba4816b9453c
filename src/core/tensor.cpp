// Shape and Tensor implementation: see tensor.hpp.
#include "core/tensor.hpp"

#include <algorithm>
#include <cassert>

#include "core/error.hpp"

namespace cnn {

Shape::Shape(const int* first, const int* last) {
  CNN_CHECK(last - first <= kMaxRank, "a shape of rank {} (at most {})", last - first, kMaxRank);
  rank_ = static_cast<int>(last - first);
  std::copy(first, last, dims_.begin());
  for (int d : *this) CNN_CHECK(d >= 0, "negative dimension {} in shape {}", d, str());
}

Shape::Shape(std::initializer_list<int> dims) : Shape(dims.begin(), dims.end()) {}

Shape::Shape(const std::vector<int>& dims) : Shape(dims.data(), dims.data() + dims.size()) {}

int Shape::operator[](int axis) const {
  CNN_CHECK(axis >= 0 && axis < rank(), "axis {} out of range for shape {}", axis, str());
  return dims_[static_cast<std::size_t>(axis)];
}

std::size_t Shape::numel() const {
  std::size_t n = 1;
  for (int d : *this) n *= static_cast<std::size_t>(d);
  return n;
}

Shape Shape::with_batch(int n) const {
  CNN_CHECK(rank_ < kMaxRank, "cannot add a batch axis to {}", str());
  std::array<int, kMaxRank> dims{};
  dims[0] = n;
  std::copy(begin(), end(), dims.begin() + 1);
  return Shape(dims.data(), dims.data() + rank_ + 1);
}

Shape Shape::without_batch() const {
  CNN_CHECK(rank() >= 1, "cannot drop the batch axis of a rank-0 shape");
  return Shape(begin() + 1, end());
}

std::string Shape::str() const {
  std::string s = "(";
  for (int i = 0; i < rank_; ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(dims_[static_cast<std::size_t>(i)]);
  }
  return s + ")";
}

Tensor::Tensor(const Shape& shape, float fill) : shape_(shape), data_(shape.numel(), fill) {}

float& Tensor::at(int n, int c, int h, int w) {
  assert(shape_.rank() == 4);
  const int* d = shape_.begin();
  return data_[((static_cast<std::size_t>(n) * d[1] + c) * d[2] + h) * d[3] + w];
}

float Tensor::at(int n, int c, int h, int w) const { return const_cast<Tensor*>(this)->at(n, c, h, w); }

void Tensor::resize(const Shape& shape) {
  shape_ = shape;
  data_.resize(shape.numel());  // keeps capacity: no reallocation when shrinking or equal
}

void Tensor::reshape(const Shape& shape) {
  CNN_CHECK(shape.numel() == data_.size(), "cannot reshape {} elements to {}", data_.size(), shape.str());
  shape_ = shape;
}

void Tensor::fill(float value) { std::fill(data_.begin(), data_.end(), value); }

}  // namespace cnn
