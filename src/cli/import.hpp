// `cnn import MODEL.onnx -o MODEL.bin`: an ONNX model of the subset cnn exports (onnx/onnx_import.hpp)
// as a cnn model file, for eval, predict and fine-tuning (`cnn train --init`).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace cnn {

struct ImportOptions {
  std::string onnx_path;
  std::string output_path;
};

CLI::App* add_import_command(CLI::App& parent, ImportOptions& options);
int run_import(const ImportOptions& options);

}  // namespace cnn
