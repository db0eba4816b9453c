// `cnn predict` command line and entry point.
#include "cli/predict.hpp"

#include "core/error.hpp"

namespace cnn {

CLI::App* add_predict_command(CLI::App& parent, PredictOptions& o) {
  CLI::App* cmd = parent.add_subcommand("predict", "Classify images (PNG, JPEG, BMP, PGM)");
  cmd->add_option("images", o.images, "Image files to classify")->required();
  cmd->add_option("-w,--weights", o.weights_path, "Model file (default: the latest trained model)");
  cmd->add_option("-k,--top-k", o.top_k, "How many classes to list per image")->check(CLI::Range(1, 1000));
  cmd->add_option("--format", o.format, "Output format")->check(CLI::IsMember({"text", "json"}));
  cmd->add_flag("--raw", o.raw, "Skip the MNIST-style preparation (for images already 28x28, white on black)");
  cmd->add_option("--save-prepared", o.save_prepared, "Folder to save what the network saw, as 28x28 PNG");
  cmd->add_flag("--show", o.show, "Draw what the network saw on stderr");
  cmd->add_option("--threads", o.threads, "Threads (default: all cores)")->check(CLI::Range(1, 1024));
  return cmd;
}

int run_predict(const PredictOptions&) { CNN_FAIL(ExitCode::kUsage, "cnn predict: not implemented yet"); }

}  // namespace cnn
