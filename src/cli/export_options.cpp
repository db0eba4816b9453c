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
  CLI::Option* int8 = cmd->add_flag("--int8", o.int8,
                                    "Quantize to int8 after training (per-channel weights, calibrated activations): int8 C, "
                                    "or QDQ ONNX; prints its accuracy on the validation images beside the float model's");
  cmd->add_option("--calibrate", o.calibration_images, "Training images that calibrate the activations' ranges (default 1000)")
      ->check(CLI::Range(1, 1000000))
      ->needs(int8);
  cmd->add_flag("--qlinear", o.qlinear,
                "--int8 ONNX in the QOperator form (QLinearConv), not QDQ: for OpenCV's DNN module, which runs no QDQ weights")
      ->needs(int8);
  cmd->add_option("--data", o.data_dir, "--int8's data folder (default: the one the model file records)")->needs(int8);
  cmd->add_option("--threads", o.threads, "Threads for --int8's measurement (default: all cores)")->check(CLI::Range(1, 1024));
  return cmd;
}

}  // namespace cnn
