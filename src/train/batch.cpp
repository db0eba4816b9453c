// Batch assembly; see batch.hpp.
#include "train/batch.hpp"

#include "core/error.hpp"

namespace cnn {

void check_images_fit(const IdxImages& images, const Shape& input) {
  CNN_CHECK_CODE(input[0] == 1, ExitCode::kUsage, "the model input has {} channels but IDX images have 1", input[0]);
  CNN_CHECK_CODE(images.rows <= input[1] && images.cols <= input[2], ExitCode::kUsage,
                 "images of {}x{} do not fit the model input {}x{}", images.rows, images.cols, input[1], input[2]);
}

void fill_batch(const IdxImages& images, const std::vector<std::uint8_t>& labels, const std::uint32_t* indices, int count,
                const Shape& input, Tensor& x, std::vector<std::uint8_t>* labels_out) {
  const int h = input[1], w = input[2];
  const int top = (h - images.rows) / 2, left = (w - images.cols) / 2;
  const bool padded = h != images.rows || w != images.cols;
  x.resize(input.with_batch(count));
  if (padded) x.fill(0.0f);
  if (labels_out) labels_out->resize(static_cast<std::size_t>(count));
  constexpr float kScale = 1.0f / 255.0f;
  const std::size_t image_bytes = static_cast<std::size_t>(images.rows) * images.cols;
  for (int s = 0; s < count; ++s) {
    const std::uint32_t index = indices[s];
    const std::uint8_t* src = images.pixels.data() + index * image_bytes;
    float* dst = x.data() + static_cast<std::size_t>(s) * h * w;
    for (int r = 0; r < images.rows; ++r)
      for (int c = 0; c < images.cols; ++c) dst[(top + r) * w + left + c] = static_cast<float>(src[r * images.cols + c]) * kScale;
    if (labels_out) (*labels_out)[static_cast<std::size_t>(s)] = labels[index];
  }
}

}  // namespace cnn
