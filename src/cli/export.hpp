// `cnn export MODEL.bin -o MODEL.onnx [--probabilities]`: the model as an ONNX file that
// onnxruntime, OpenCV's DNN module and other runtimes run (onnx/onnx_export.hpp has the graph).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace cnn {

struct ExportOptions {
  std::string model_path;
  std::string output_path;
  bool probabilities = false;  // output "probabilities" (softmax) instead of "logits"
};

CLI::App* add_export_command(CLI::App& parent, ExportOptions& options);
int run_export(const ExportOptions& options);

}  // namespace cnn
