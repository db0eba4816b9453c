// Shape and Tensor implementation: see tensor.hpp.
#include "core/tensor.hpp"

#include <algorithm>
#include <cassert>

#include "core/error.hpp"

namespace cnn {

Shape::Shape(std::initializer_list<int> dims) : Shape(std::vector<int>(dims)) {}

Shape::Shape(std::vector<int> dims) : dims_(std::move(dims)) {
  for (int d : dims_) CNN_CHECK(d >= 0, "negative dimension {} in shape {}", d, str());
}

int Shape::operator[](int axis) const {
  CNN_CHECK(axis >= 0 && axis < rank(), "axis {} out of range for shape {}", axis, str());
  return dims_[static_cast<std::size_t>(axis)];
}

std::size_t Shape::numel() const {
  std::size_t n = 1;
  for (int d : dims_) n *= static_cast<std::size_t>(d);
  return n;
}

Shape Shape::with_batch(int n) const {
  std::vector<int> dims{n};
  dims.insert(dims.end(), dims_.begin(), dims_.end());
  return Shape(std::move(dims));
}

Shape Shape::without_batch() const {
  CNN_CHECK(rank() >= 1, "cannot drop the batch axis of a rank-0 shape");
  return Shape(std::vector<int>(dims_.begin() + 1, dims_.end()));
}

std::string Shape::str() const {
  std::string s = "(";
  for (std::size_t i = 0; i < dims_.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(dims_[i]);
  }
  return s + ")";
}

Tensor::Tensor(const Shape& shape, float fill) : shape_(shape), data_(shape.numel(), fill) {}

float& Tensor::at(int n, int c, int h, int w) {
  assert(shape_.rank() == 4);
  const auto& d = shape_.dims();
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
