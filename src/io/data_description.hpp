// DataDescription: what a model's data was, so that every command that feeds the model an image
// (train, eval, predict, export) prepares it the same way. It is recorded in the model file's
// header as "data" (docs/model-format.md) and read back by the one reader below.
//
//   format         where the training data came from: idx | cifar10 | folder
//   transpose      idx only: images were stored transposed (EMNIST) and turned upright on load
//   class_names    one per network output, in label order
//   channels       the model's input channels (1 gray, 3 RGB)
//   preparation    how a user's image becomes the model's input:
//                    mnist_digit  today's MNIST-style digit preparation (io/image_prep.hpp)
//                    resize       colour conversion and a stretch to the input size, exactly as
//                                 the folder loader does it (io/resize_prep.hpp)
//   normalization  optional per-channel mean/std on the [0, 1] scale: the network's input is
//                  (pixel / 255 - mean[c]) / std[c]
//
// Model files written before the description existed (format version 1) load as
// legacy_data_description: digit preparation, class names "0" ... "N-1".
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/enum_table.hpp"
#include "core/exit_code.hpp"

namespace cnn {

enum class DataFormat { kIdx, kCifar10, kFolder };
constexpr EnumTable<DataFormat, 3> kDataFormatNames{
    {{{DataFormat::kIdx, "idx"}, {DataFormat::kCifar10, "cifar10"}, {DataFormat::kFolder, "folder"}}}};

enum class Preparation { kMnistDigit, kResize };
constexpr EnumTable<Preparation, 2> kPreparationNames{
    {{{Preparation::kMnistDigit, "mnist_digit"}, {Preparation::kResize, "resize"}}}};

struct Normalization {
  std::vector<float> mean, std;  // (channels) each on the [0, 1] pixel scale, or both empty: none

  bool enabled() const { return !mean.empty(); }
  bool operator==(const Normalization& o) const { return mean == o.mean && std == o.std; }
};

struct DataDescription {
  DataFormat format = DataFormat::kIdx;
  bool transpose = false;
  std::vector<std::string> class_names;  // (classes)
  int channels = 1;
  Preparation preparation = Preparation::kMnistDigit;
  Normalization normalization;

  int classes() const { return static_cast<int>(class_names.size()); }
  bool operator==(const DataDescription& o) const {
    return format == o.format && transpose == o.transpose && class_names == o.class_names && channels == o.channels &&
           preparation == o.preparation && normalization == o.normalization;
  }
  bool operator!=(const DataDescription& o) const { return !(*this == o); }
};

constexpr int kMaxClasses = 100000;
constexpr std::size_t kMaxClassNameBytes = 1024;

// "0", "1", ..., "classes - 1": the names of classes that have none.
std::vector<std::string> default_class_names(int classes);
// What a version-1 model file (no "data" in its header) was: MNIST-style digits.
DataDescription legacy_data_description(int classes, int channels);

// Throws cnn::Error(`code`) when a name is empty, longer than kMaxClassNameBytes, or holds a
// control character (a line break would break class-name files and text output); `where` names
// its source in the message.
void check_class_name(const std::string& name, const std::string& where, ExitCode code);

// The header's "data" object. from_json treats it as untrusted: every key, type and range is
// checked, and errors (kModel) name `name` and the key.
nlohmann::json data_description_to_json(const DataDescription& d);
DataDescription data_description_from_json(const nlohmann::json& j, const std::string& name);

}  // namespace cnn
