// Batch assembly; see batch.hpp.
#include "train/batch.hpp"

#include "core/error.hpp"

namespace cnn {

bool images_fit(int rows, int cols, const Shape& input) {
  const bool same = input[1] == rows && input[2] == cols;
  const bool bordered = input[1] == rows + 2 * kInputBorder && input[2] == cols + 2 * kInputBorder;
  return same || bordered;
}

void check_images_fit(const IdxImages& images, const Shape& input) {
  CNN_CHECK_CODE(input[0] == 1, ExitCode::kUsage, "the model input has {} channels but IDX images have 1", input[0]);
  if (images_fit(images.rows, images.cols, input)) return;
  const int inner_h = input[1] - 2 * kInputBorder, inner_w = input[2] - 2 * kInputBorder;
  const std::string takes = inner_h > 0 && inner_w > 0
                                ? fmt::format("images of its own size, or {}x{} ones centred in a {}-pixel zero border", inner_h,
                                              inner_w, kInputBorder)
                                : std::string("images of its own size");
  CNN_FAIL(ExitCode::kUsage, "images of {}x{} do not fit the model input {}x{} (it takes {})", images.rows, images.cols,
           input[1], input[2], takes);
}

void fill_batch(const IdxImages& images, const std::vector<std::uint8_t>& labels, const std::uint32_t* indices, int count,
                const Shape& input, Tensor& x, std::vector<std::uint8_t>* labels_out) {
  CNN_CHECK(images_fit(images.rows, images.cols, input), "fill_batch: {}x{} images for input {} (check_images_fit first)",
            images.rows, images.cols, input.str());
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
