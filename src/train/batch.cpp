// Batch assembly; see batch.hpp.
#include "train/batch.hpp"

#include "core/error.hpp"

namespace cnn {

bool images_fit(int rows, int cols, const Shape& input) {
  const bool same = input[1] == rows && input[2] == cols;
  const bool bordered = input[1] == rows + 2 * kInputBorder && input[2] == cols + 2 * kInputBorder;
  return same || bordered;
}

void check_images_fit(const ImageSet& images, const Shape& input) {
  CNN_CHECK_CODE(input[0] == images.channels, ExitCode::kUsage, "the model input has {} channels but the images have {}",
                 input[0], images.channels);
  if (images_fit(images.height, images.width, input)) return;
  const int inner_h = input[1] - 2 * kInputBorder, inner_w = input[2] - 2 * kInputBorder;
  const std::string takes = inner_h > 0 && inner_w > 0
                                ? fmt::format("images of its own size, or {}x{} ones centred in a {}-pixel zero border", inner_h,
                                              inner_w, kInputBorder)
                                : std::string("images of its own size");
  CNN_FAIL(ExitCode::kUsage, "images of {}x{} do not fit the model input {}x{} (it takes {})", images.height, images.width,
           input[1], input[2], takes);
}

void check_labels(const std::vector<Label>& labels, int outputs, const std::string& source) {
  for (std::size_t i = 0; i < labels.size(); ++i)
    CNN_CHECK_CODE(labels[i] >= 0 && labels[i] < outputs, ExitCode::kData,
                   "{}: label {} at index {} is not one of the network's {} classes (0 to {})", source, labels[i], i, outputs,
                   outputs - 1);
}

void fill_batch(const ImageSet& images, const std::vector<Label>& labels, const std::uint32_t* indices, int count,
                const Shape& input, Tensor& x, std::vector<Label>* labels_out, const Normalization& normalization) {
  CNN_CHECK(!normalization.enabled() || normalization.mean.size() == static_cast<std::size_t>(input[0]),
            "fill_batch: normalisation for {} channels, input {}", normalization.mean.size(), input.str());
  CNN_CHECK(images.channels == input[0] && images_fit(images.height, images.width, input),
            "fill_batch: {}x{}x{} images for input {} (check_images_fit first)", images.channels, images.height, images.width,
            input.str());
  const int channels = images.channels, rows = images.height, cols = images.width;
  const int h = input[1], w = input[2];
  const int top = (h - rows) / 2, left = (w - cols) / 2;
  const bool padded = h != rows || w != cols;
  x.resize(input.with_batch(count));
  if (padded) x.fill(0.0f);
  if (labels_out) labels_out->resize(static_cast<std::size_t>(count));
  constexpr float kScale = 1.0f / 255.0f;
  const std::size_t image_bytes = images.image_size();
  for (int s = 0; s < count; ++s) {
    const std::uint32_t index = indices[s];
    for (int c = 0; c < channels; ++c) {
      const std::uint8_t* src = images.pixels.data() + index * image_bytes + static_cast<std::size_t>(c) * rows * cols;
      float* dst = x.data() + (static_cast<std::size_t>(s) * channels + c) * h * w;
      for (int r = 0; r < rows; ++r)
        for (int col = 0; col < cols; ++col) dst[(top + r) * w + left + col] = static_cast<float>(src[r * cols + col]) * kScale;
      if (normalization.enabled())
        normalize_plane(dst, static_cast<std::size_t>(h) * w, normalization.mean[static_cast<std::size_t>(c)],
                        normalization.std[static_cast<std::size_t>(c)]);
    }
    if (labels_out) (*labels_out)[static_cast<std::size_t>(s)] = labels[index];
  }
}

void normalize_plane(float* plane, std::size_t n, float mean, float std) {
  for (std::size_t i = 0; i < n; ++i) plane[i] = (plane[i] - mean) / std;
}

void apply_normalization(Tensor& x, const Normalization& normalization) {
  if (!normalization.enabled()) return;
  const Shape& s = x.shape();
  CNN_CHECK(s.rank() == 4 && normalization.mean.size() == static_cast<std::size_t>(s[1]),
            "apply_normalization: {} channels for {}", normalization.mean.size(), s.str());
  const std::size_t plane = static_cast<std::size_t>(s[2]) * s[3];
  for (int n = 0; n < s[0]; ++n)
    for (int c = 0; c < s[1]; ++c)
      normalize_plane(x.data() + (static_cast<std::size_t>(n) * s[1] + c) * plane, plane,
                      normalization.mean[static_cast<std::size_t>(c)], normalization.std[static_cast<std::size_t>(c)]);
}

}  // namespace cnn
