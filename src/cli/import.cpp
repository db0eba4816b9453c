// `cnn import`: the entry point (linked with ONNX, in the cnn-onnx executable; the options are in
// import_options.cpp).
#include "cli/import.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "onnx/onnx_import.hpp"
#include "train/checkpoint.hpp"

namespace cnn {

int run_import(const ImportOptions& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  CNN_CHECK_CODE(!fs::is_directory(o.output_path, ec), ExitCode::kIo, "{}: is a folder; give the path of the model file to write",
                 o.output_path);
  CNN_CHECK_CODE(!fs::equivalent(o.onnx_path, o.output_path, ec), ExitCode::kUsage,
                 "{}: the output would replace the ONNX file it is imported from", o.output_path);
  CNN_CHECK_CODE(fs::is_regular_file(o.onnx_path, ec), ExitCode::kModel, "{}: no such file", o.onnx_path);
  std::ifstream in(o.onnx_path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  CNN_CHECK_CODE(in.good() || in.eof(), ExitCode::kIo, "{}: cannot read the file", o.onnx_path);
  const ImportedModel model = import_onnx(bytes.str(), o.onnx_path);
  // A model file without a config or training state, as weights from other tools are (docs/model-format.md).
  // One channel reads images as MNIST digits (a LeNet from elsewhere), more as photos: resized
  // to the input, each channel's bytes / 255, no normalisation (the graph's own first layers do
  // whatever its training did).
  DataDescription data = legacy_data_description(static_cast<int>(model.net->output_shape().numel()), model.spec.input[0]);
  if (data.channels != 1) {
    data.format = DataFormat::kFolder;
    data.preparation = Preparation::kResize;
  }
  save_checkpoint(o.output_path, model.spec, "", *model.net, nullptr, nullptr, nlohmann::json(), &data);
  spdlog::info("wrote {}: {} layers, {} parameters", o.output_path, model.net->layer_count(), model.net->parameter_count());
  return 0;
}

}  // namespace cnn
