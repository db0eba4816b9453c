// How an image becomes what the network sees, the one place for every command: training batches
// and evaluation (dataset images, u8 (C, rows, cols), gathered by index), and `cnn predict` (an
// image file, prepared the way the model's training data was).
//
//   pixels   u8 / 255, or a digit's prepared values, into [0, 1] (1 = ink for digits)
//   border   images are the model's input size, or exactly kInputBorder pixels smaller on each
//            side: LeNet-5's classic 32x32 input holds a 28x28 MNIST digit with 2 pixels of zero
//            padding all round. Any other size is refused, not padded: a 1x1 image in a 28x28
//            input is a wrong data set, not a small digit.
//   normalise  with the model's normalisation, v = (v - mean[c]) / std[c] on every plane, border
//            included (normalize_plane: the one place it is computed)
//
// An image file is prepared by the model's data description (io/data_description.hpp): a digit
// model's MNIST-style preparation (io/image_prep.hpp), or a folder / CIFAR-10 model's resize
// (io/resize_prep.hpp, the folder loader's own code).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "io/data_description.hpp"
#include "io/image_set.hpp"

namespace cnn {

// The zero border, in pixels on each side, between an image and a larger model input.
constexpr int kInputBorder = 2;

// Whether rows x cols images go into the model input (C, H, W): the same size, or H = rows + 4 and
// W = cols + 4.
bool images_fit(int rows, int cols, const Shape& input);

// Throws cnn::Error(kUsage) naming both sizes when the images do not fit the model input
// (callers whose data, not config, is at fault map it to kData, as eval does).
void check_images_fit(const ImageSet& images, const Shape& input);

// Throws cnn::Error(kData) when a label is not one of the network's `outputs` classes, naming the
// label and its index (`source` names the data in the message).
void check_labels(const std::vector<Label>& labels, int outputs, const std::string& source);

// x becomes (count, C, H, W); labels_out (if not null) receives the labels of the same images.
// With a normalisation (io/data_description.hpp), each channel plane, border included, then goes
// through normalize_plane: the one place where (v - mean) / std is computed, for training,
// evaluation and predict alike.
void fill_batch(const ImageSet& images, const std::vector<Label>& labels, const std::uint32_t* indices, int count,
                const Shape& input, Tensor& x, std::vector<Label>* labels_out, const Normalization& normalization = {});

// v = (v - mean) / std over n values.
void normalize_plane(float* plane, std::size_t n, float mean, float std);
// Every channel plane of x (N, C, H, W) by the channel's mean and std; nothing when disabled.
void apply_normalization(Tensor& x, const Normalization& normalization);

// One image file as the network sees it before normalisation: (channels, height, width) values in
// [0, 1] at the model input's size, border included; what predict's --show, --save-prepared and
// --explain show.
struct PreparedImage {
  int channels = 0, height = 0, width = 0;
  std::vector<float> pixels;  // (channels, height, width)
};

// The file at `path` prepared as the model's training data was (data.preparation) for `input`
// (C, H, W). `raw` skips the preparation for images already in the model's form: a digit model
// takes a white-on-black image of the input's size (or of the size inside its border), any other
// model an image of the input's size. Errors name the file.
PreparedImage prepare_image_file(const std::string& path, const DataDescription& data, const Shape& input, bool raw);

// x becomes (1, C, H, W): the prepared image with the model's normalisation.
void image_to_input(const PreparedImage& image, const Normalization& normalization, Tensor& x);

}  // namespace cnn
