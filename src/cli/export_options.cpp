// `cnn export`'s command line, in cnn_lib: both executables parse it (cli/onnx_helper.hpp).
#include "cli/export.hpp"

namespace cnn {

CLI::App* add_export_command(CLI::App& parent, ExportOptions& o) {
  CLI::App* cmd = parent.add_subcommand(
      "export", "Write a model file as ONNX (opset 13) for onnxruntime, OpenCV and others, or as C99 for microcontrollers");
  cmd->add_option("model", o.model_path, "Model file written by cnn train")->required();
  cmd->add_option("-o,--output", o.output_path, "The .onnx file to write, or DIR/NAME.c (NAME.h is written beside it)")->required();
  cmd->add_option("--format", o.format, "onnx or c (default: c for an output ending in .c, else onnx)")
      ->check(CLI::IsMember({"onnx", "c"}));
  cmd->add_flag("--probabilities", o.probabilities,
                "End the graph in a softmax: output 'probabilities' instead of 'logits'");
  return cmd;
}

}  // namespace cnn
