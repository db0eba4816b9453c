// `cnn export`'s command line, in cnn_lib: both executables parse it (cli/onnx_helper.hpp).
#include "cli/export.hpp"

namespace cnn {

CLI::App* add_export_command(CLI::App& parent, ExportOptions& o) {
  CLI::App* cmd = parent.add_subcommand("export", "Write a model file as ONNX (opset 13) for onnxruntime, OpenCV and others");
  cmd->add_option("model", o.model_path, "Model file written by cnn train")->required();
  cmd->add_option("-o,--output", o.output_path, "The .onnx file to write")->required();
  cmd->add_flag("--probabilities", o.probabilities,
                "End the graph in a softmax: output 'probabilities' instead of 'logits'");
  return cmd;
}

}  // namespace cnn
