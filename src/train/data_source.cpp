// Data sources; see data_source.hpp.
#include "train/data_source.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "io/cifar10.hpp"
#include "io/class_names.hpp"
#include "io/idx.hpp"
#include "io/image_folder.hpp"

namespace cnn {
namespace {

// IDX labels run 0 to the largest; names from the config make the class count theirs.
void name_idx_classes(const DataConfig& config, Dataset& d) {
  if (config.class_names.empty() && config.class_names_file.empty()) return;
  const std::string source = config.class_names_file.empty() ? "data.class_names" : config.class_names_file;
  d.class_names = config.class_names_file.empty() ? config.class_names : read_class_names_file(config.class_names_file);
  CNN_CHECK_CODE(d.classes <= static_cast<int>(d.class_names.size()), ExitCode::kData,
                 "{}: {} class names, but the labels run from 0 to {}", source, d.class_names.size(), d.classes - 1);
  d.classes = static_cast<int>(d.class_names.size());
}

}  // namespace

LoadedData load_training_data(const DataConfig& config, const Shape& input, const DataLoadOptions& options) {
  switch (config.format) {
    case DataFormat::kIdx: {
      LoadedData d;
      d.data = load_split(config.dir, true, config.transpose);
      name_idx_classes(config, d.data);
      return d;
    }
    case DataFormat::kCifar10: {
      LoadedData d;
      d.data = load_cifar10(config.dir, true);
      return d;
    }
    case DataFormat::kFolder: {
      const FolderLayout layout = find_folder_layout(config.dir);
      return from_folder(load_image_folder(layout.train, nullptr, true, folder_options(input, options, config.skip_bad_images)));
    }
  }
  CNN_FAIL(ExitCode::kInternal, "unknown data format");
}

Normalization channel_statistics(const ImageSet& images, int count) {
  CNN_CHECK(count > 0 && count <= images.count, "channel_statistics: {} of {} images", count, images.count);
  Normalization n;
  const std::size_t plane = static_cast<std::size_t>(images.height) * images.width;
  for (int c = 0; c < images.channels; ++c) {
    // Exact integer sums: 2^64 / 255^2 leaves room for 2.8e14 pixels.
    std::uint64_t sum = 0, sum_squares = 0;
    for (int i = 0; i < count; ++i) {
      const std::uint8_t* p = images.pixels.data() + (static_cast<std::size_t>(i) * images.channels + c) * plane;
      for (std::size_t k = 0; k < plane; ++k) {
        sum += p[k];
        sum_squares += static_cast<std::uint64_t>(p[k]) * p[k];
      }
    }
    const double values = static_cast<double>(count) * static_cast<double>(plane);
    const double mean = static_cast<double>(sum) / values;
    const double variance = std::max(0.0, static_cast<double>(sum_squares) / values - mean * mean);
    const double std = std::sqrt(variance) / 255.0;
    CNN_CHECK_CODE(std >= 1e-6, ExitCode::kData,
                   "normalize auto: channel {} of the training images is constant ({}), its standard deviation is 0", c,
                   mean / 255.0);
    n.mean.push_back(static_cast<float>(mean / 255.0));
    n.std.push_back(static_cast<float>(std));
  }
  return n;
}

DataDescription describe_data(const DataConfig& config, const Dataset& train, int train_images, const Shape& input) {
  DataDescription d;
  d.format = config.format;
  d.transpose = config.transpose;
  d.class_names = train.class_names.empty() ? default_class_names(train.classes) : train.class_names;
  d.channels = input[0];
  d.preparation = config.format == DataFormat::kIdx ? Preparation::kMnistDigit : Preparation::kResize;
  if (config.normalize == NormalizeMode::kAuto) d.normalization = channel_statistics(train.images, train_images);
  if (config.normalize == NormalizeMode::kGiven) {
    CNN_CHECK_CODE(config.normalization.mean.size() == static_cast<std::size_t>(input[0]), ExitCode::kUsage,
                   "data.normalize: {} values per list, but the model input has {} channels", config.normalization.mean.size(),
                   input[0]);
    d.normalization = config.normalization;
  }
  return d;
}

}  // namespace cnn
