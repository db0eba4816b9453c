// Batch assembly: gathers dataset images (u8, rows x cols) by index into a float input tensor
// (N, C, H, W) scaled to [0, 1], centred in the model's input when that is larger (LeNet-5's
// classic 32x32 input holds a 28x28 MNIST digit with 2 pixels of zero padding all round).
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.hpp"
#include "io/idx.hpp"

namespace cnn {

// Throws cnn::Error(kUsage) when the images do not fit the model input (C, H, W).
void check_images_fit(const IdxImages& images, const Shape& input);

// x becomes (count, C, H, W); labels_out (if not null) receives the labels of the same images.
void fill_batch(const IdxImages& images, const std::vector<std::uint8_t>& labels, const std::uint32_t* indices, int count,
                const Shape& input, Tensor& x, std::vector<std::uint8_t>* labels_out);

}  // namespace cnn
