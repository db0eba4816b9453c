// A model's test set; see test_data.hpp.
#include "runtime/test_data.hpp"

#include "core/error.hpp"
#include "io/cifar10.hpp"
#include "io/idx.hpp"

namespace cnn {

FolderOptions folder_options(const Shape& input, const DataLoadOptions& options, bool skip_bad) {
  FolderOptions f;
  f.channels = input[0];
  f.height = input[1];
  f.width = input[2];
  f.skip_bad = skip_bad;
  f.threads = options.threads;
  f.progress = options.progress;
  return f;
}

LoadedData from_folder(FolderLoad load) {
  LoadedData d;
  d.data = std::move(load.data);
  d.skipped = std::move(load.skipped);
  d.ignored = load.ignored;
  return d;
}

LoadedData load_test_data(const DataDescription& description, const std::string& dir, const Shape& input,
                          const DataLoadOptions& options) {
  LoadedData d;
  switch (description.format) {
    case DataFormat::kIdx:
      d.data = load_split(dir, false, description.transpose);
      break;
    case DataFormat::kCifar10:
      d.data = load_cifar10(dir, false);
      break;
    case DataFormat::kFolder: {
      const FolderLayout layout = find_folder_layout(dir);
      CNN_CHECK_CODE(layout.test.has_value(), ExitCode::kData,
                     "{}: no test/ folder next to train/ (a folder model is evaluated on {}/test/<class>/*)", dir, dir);
      d = from_folder(load_image_folder(*layout.test, &description.class_names, false, folder_options(input, options, false)));
      break;
    }
  }
  d.data.class_names = description.class_names;
  return d;
}

}  // namespace cnn
