// Images into the network's input; see network_input.hpp.
#include "runtime/network_input.hpp"

#include "core/error.hpp"
#include "io/image.hpp"
#include "io/image_prep.hpp"
#include "io/resize_prep.hpp"

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

namespace {

// Copies `channels` planes of rows x cols values, each times `scale`, into the planes of a model
// input (channels, h, w) that images_fit allows: the same size, or centred in the zero border
// (dst must hold zeros there). Each plane is then normalised.
template <typename Pixel>
void place_planes(const Pixel* src, float scale, int channels, int rows, int cols, int h, int w,
                  const Normalization& normalization, float* dst) {
  const int top = (h - rows) / 2, left = (w - cols) / 2;
  for (int c = 0; c < channels; ++c) {
    const Pixel* plane = src + static_cast<std::size_t>(c) * rows * cols;
    float* out = dst + static_cast<std::size_t>(c) * h * w;
    for (int r = 0; r < rows; ++r)
      for (int col = 0; col < cols; ++col) out[(top + r) * w + left + col] = static_cast<float>(plane[r * cols + col]) * scale;
    if (normalization.enabled())
      normalize_plane(out, static_cast<std::size_t>(h) * w, normalization.mean[static_cast<std::size_t>(c)],
                      normalization.std[static_cast<std::size_t>(c)]);
  }
}

constexpr float kByteScale = 1.0f / 255.0f;

}  // namespace

void fill_batch(const ImageSet& images, const std::vector<Label>& labels, const std::uint32_t* indices, int count,
                const Shape& input, Tensor& x, std::vector<Label>* labels_out, const Normalization& normalization) {
  CNN_CHECK(!normalization.enabled() || normalization.mean.size() == static_cast<std::size_t>(input[0]),
            "fill_batch: normalisation for {} channels, input {}", normalization.mean.size(), input.str());
  CNN_CHECK(images.channels == input[0] && images_fit(images.height, images.width, input),
            "fill_batch: {}x{}x{} images for input {} (check_images_fit first)", images.channels, images.height, images.width,
            input.str());
  const int h = input[1], w = input[2];
  x.resize(input.with_batch(count));
  if (h != images.height || w != images.width) x.fill(0.0f);
  if (labels_out) labels_out->resize(static_cast<std::size_t>(count));
  const std::size_t image_bytes = images.image_size();
  for (int s = 0; s < count; ++s) {
    const std::uint32_t index = indices[s];
    place_planes(images.pixels.data() + index * image_bytes, kByteScale, images.channels, images.height, images.width, h, w,
                 normalization, x.data() + static_cast<std::size_t>(s) * images.channels * h * w);
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

namespace {

// A digit model's view: MNIST-style prepared (28x28) and centred in the input's border, or raw.
PreparedImage digit_image(const std::string& path, const Shape& input, bool raw) {
  CNN_CHECK_CODE(input[0] == 1, ExitCode::kModel,
                 "MNIST-style digit preparation makes gray images, the model wants {} channels", input[0]);
  const GrayImage image = load_gray_image(path);
  GrayImage view;
  if (raw) {
    view = as_raw_input(image, input[1], input[2], path);
  } else {
    CNN_CHECK_CODE(images_fit(28, 28, input), ExitCode::kUsage,
                   "the model's input {} takes no MNIST-style 28x28 image (it must be 28x28, or 32x32 with a {}-pixel "
                   "border); use --raw",
                   input.str(), kInputBorder);
    view = prepare_mnist_style(image, path);
  }
  PreparedImage out{1, input[1], input[2], std::vector<float>(static_cast<std::size_t>(input[1]) * input[2], 0.0f)};
  place_planes(view.pixels.data(), 1.0f, 1, view.height, view.width, input[1], input[2], Normalization{}, out.pixels.data());
  return out;
}

// A folder or CIFAR-10 model's view: the folder loader's resize (io/resize_prep.hpp); raw only
// refuses an image that would need resizing.
PreparedImage resized_image(const std::string& path, const Shape& input, bool raw) {
  const std::vector<unsigned char> bytes = read_image_file(path);
  const RgbaImage image = decode_rgba_image(bytes.data(), bytes.size(), path);
  CNN_CHECK_CODE(!raw || (image.height == input[1] && image.width == input[2]), ExitCode::kIo,
                 "{}: --raw needs a {}x{} image like the model's input, this one is {}x{} (drop --raw to resize it)", path,
                 input[2], input[1], image.width, image.height);
  const std::vector<std::uint8_t> planes = prepare_resized(image, input[0], input[1], input[2], path);
  PreparedImage out{input[0], input[1], input[2], std::vector<float>(planes.size())};
  place_planes(planes.data(), kByteScale, input[0], input[1], input[2], input[1], input[2], Normalization{}, out.pixels.data());
  return out;
}

}  // namespace

PreparedImage prepare_image_file(const std::string& path, const DataDescription& data, const Shape& input, bool raw) {
  return data.preparation == Preparation::kMnistDigit ? digit_image(path, input, raw) : resized_image(path, input, raw);
}

void image_to_input(const PreparedImage& image, const Normalization& normalization, Tensor& x) {
  const Shape input{image.channels, image.height, image.width};
  CNN_CHECK(!normalization.enabled() || normalization.mean.size() == static_cast<std::size_t>(image.channels),
            "image_to_input: normalisation for {} channels, image of {}", normalization.mean.size(), image.channels);
  x.resize(input.with_batch(1));
  place_planes(image.pixels.data(), 1.0f, image.channels, image.height, image.width, image.height, image.width, normalization,
               x.data());
}

}  // namespace cnn
