// `cnn export`: the entry point (linked with ONNX, in the cnn-onnx executable; the options are in
// export_options.cpp).
#include "cli/export.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "onnx/onnx_export.hpp"
#include "runtime/model_loader.hpp"

namespace cnn {

int run_export(const ExportOptions& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // Checked before the model is read, so a mistyped command fails at once and nothing is written.
  CNN_CHECK_CODE(!fs::is_directory(o.output_path, ec), ExitCode::kIo, "{}: is a folder; give the path of the .onnx file to write",
                 o.output_path);
  CNN_CHECK_CODE(!fs::equivalent(o.model_path, o.output_path, ec), ExitCode::kUsage,
                 "{}: the output would replace the model file it is exported from", o.output_path);
  LoadedModel model = load_model(o.model_path);
  const std::string bytes = export_onnx(model, {o.probabilities, o.model_path});
  // A temporary file renamed into place: an interrupted or failed export leaves no partial file.
  write_file_atomically(o.output_path, bytes);
  spdlog::info("wrote {} ({} bytes, ONNX opset 13, output '{}')", o.output_path, bytes.size(),
               o.probabilities ? "probabilities" : "logits");
  return 0;
}

}  // namespace cnn
