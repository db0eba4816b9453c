// `cnn export`: the entry point (linked with ONNX, in the cnn-onnx executable; the options are in
// export_options.cpp).
#include "cli/export.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <optional>

#include "c_export/c_export.hpp"
#include "cli/int8_quantization.hpp"
#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "onnx/onnx_export.hpp"
#include "onnx/onnx_qdq.hpp"
#include "onnx/onnx_qlinear.hpp"
#include "runtime/model_loader.hpp"

namespace cnn {
namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

void check_output_path(const ExportOptions& o, const std::string& path, const char* what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  CNN_CHECK_CODE(!fs::is_directory(path, ec), ExitCode::kIo, "{}: is a folder; give the path of the {} to write", path, what);
  CNN_CHECK_CODE(!fs::equivalent(o.model_path, path, ec), ExitCode::kUsage,
                 "{}: the output would replace the model file it is exported from", path);
}

Int8Options int8_options(const ExportOptions& o) {
  Int8Options q;
  q.calibration_images = o.calibration_images;
  if (!o.data_dir.empty()) q.data_dir = o.data_dir;
  q.threads = o.threads;
  return q;
}

int export_as_onnx(const ExportOptions& o) {
  check_output_path(o, o.output_path, ".onnx file");  // before the model is read: a mistyped command writes nothing
  LoadedModel model = load_model(o.model_path);
  std::optional<Int8Model> int8;
  if (o.int8) int8 = quantize_model(model, int8_options(o));
  const OnnxExportOptions options{o.probabilities, o.model_path};
  const std::string bytes = !int8       ? export_onnx(model, options)
                            : o.qlinear ? export_onnx_qlinear(model, int8->graph, options)
                                        : export_onnx_qdq(model, int8->graph, options);
  // A temporary file renamed into place: an interrupted or failed export leaves no partial file.
  write_file_atomically(o.output_path, bytes);
  spdlog::info("wrote {} ({} bytes, ONNX opset 13{}, output '{}')", o.output_path, bytes.size(), !int8 ? "" : o.qlinear ? ", int8 QLinearConv" : ", int8 QDQ",
               o.probabilities ? "probabilities" : "logits");
  if (int8) log_int8_measurement(*int8);
  return 0;
}

int export_as_c(const ExportOptions& o) {
  namespace fs = std::filesystem;
  CNN_CHECK_CODE(ends_with(o.output_path, ".c"), ExitCode::kUsage, "{}: the C export writes DIR/NAME.c and DIR/NAME.h; give a path ending in .c",
                 o.output_path);
  CNN_CHECK_CODE(!o.probabilities, ExitCode::kUsage, "--probabilities is for ONNX: NAME_predict always gives probabilities");
  CNN_CHECK_CODE(!o.qlinear, ExitCode::kUsage, "--qlinear is a form of int8 ONNX; the C export has one int8 form");
  const fs::path source_path(o.output_path);
  const std::string header_path = source_path.parent_path().empty() ? source_path.stem().string() + ".h"
                                                                    : (source_path.parent_path() / (source_path.stem().string() + ".h")).string();
  check_output_path(o, o.output_path, ".c file");
  check_output_path(o, header_path, ".h file");
  LoadedModel model = load_model(o.model_path);
  const CExportOptions names{source_path.stem().string(), o.model_path};
  std::optional<Int8Model> int8;
  if (o.int8) int8 = quantize_model(model, int8_options(o));
  const CExport c = int8 ? export_c_int8(model, int8->graph, names) : export_c(model, names);
  // DIR/NAME.c: DIR is made when missing (a project's own folder for the generated files).
  std::error_code ec;
  if (!source_path.parent_path().empty()) fs::create_directories(source_path.parent_path(), ec);
  CNN_CHECK_CODE(!ec, ExitCode::kIo, "{}: cannot create the folder: {}", source_path.parent_path().string(), ec.message());
  // Each file whole or not at all (a temporary renamed into place), the header first.
  write_file_atomically(header_path, c.header);
  write_file_atomically(o.output_path, c.source);
  spdlog::info("wrote {} and {}: {} bytes of weights (flash), {} bytes of activations (RAM)", o.output_path, header_path,
               c.weight_bytes, c.ram_bytes);
  for (std::size_t b = 0; b < c.buffers.size() && b < 3; ++b) {
    std::string layers;
    for (const std::string& l : c.buffers[b].layers) layers += (layers.empty() ? "" : ", ") + l;
    spdlog::info("  activation buffer of {} bytes: {}", c.buffers[b].bytes, layers);
  }
  for (const std::string& f : c.folded) spdlog::info("  folded: {}", f);
  if (int8) log_int8_measurement(*int8);
  return 0;
}

}  // namespace

int run_export(const ExportOptions& o) {
  const std::string format = !o.format.empty() ? o.format : ends_with(o.output_path, ".c") ? "c" : "onnx";
  return format == "c" ? export_as_c(o) : export_as_onnx(o);
}

}  // namespace cnn
