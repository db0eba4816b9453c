// `cnn import`'s command line, in cnn_lib: both executables parse it (cli/onnx_helper.hpp).
#include "cli/import.hpp"

namespace cnn {

CLI::App* add_import_command(CLI::App& parent, ImportOptions& o) {
  CLI::App* cmd = parent.add_subcommand("import", "Read an ONNX model (the subset cnn exports) into a cnn model file");
  cmd->add_option("model", o.onnx_path, "The .onnx file")->required();
  cmd->add_option("-o,--output", o.output_path, "The cnn model file to write")->required();
  return cmd;
}

}  // namespace cnn
