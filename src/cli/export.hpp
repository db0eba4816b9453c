// `cnn export MODEL.bin -o MODEL.onnx [--probabilities]`: the model as an ONNX file that
// onnxruntime, OpenCV's DNN module and other runtimes run (onnx/onnx_export.hpp has the graph).
// `cnn export MODEL.bin --format c -o DIR/NAME.c`: the model as C99, DIR/NAME.c and DIR/NAME.h
// (c_export/c_export.hpp). Without --format, an output ending in .c means C. `--int8
// [--calibrate N] [--data DIR]` quantizes first: int8 C, or QDQ ONNX (onnx/onnx_qdq.hpp), or with
// --qlinear the QOperator form (onnx/onnx_qlinear.hpp).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace cnn {

struct ExportOptions {
  std::string model_path;
  std::string output_path;
  bool probabilities = false;  // output "probabilities" (softmax) instead of "logits"
  std::string format;          // onnx | c; empty: from the output's extension
  bool int8 = false;           // post-training int8 quantization (cli/int8_quantization.hpp)
  bool qlinear = false;        // --int8 ONNX as QLinearConv operators (onnx/onnx_qlinear.hpp), not QDQ
  int calibration_images = 1000;
  std::string data_dir;        // --int8's data; empty: the folder the model file records
  int threads = 0;
};

CLI::App* add_export_command(CLI::App& parent, ExportOptions& options);
int run_export(const ExportOptions& options);

}  // namespace cnn
