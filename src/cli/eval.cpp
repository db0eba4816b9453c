// `cnn eval` command line and entry point.
#include "cli/eval.hpp"

#include "core/error.hpp"

namespace cnn {

CLI::App* add_eval_command(CLI::App& parent, EvalOptions& o) {
  CLI::App* cmd = parent.add_subcommand("eval", "Evaluate a model file on a test set");
  cmd->add_option("-w,--weights", o.weights_path, "Model file written by cnn train")->required();
  cmd->add_option("--data", o.data_dir, "Folder with t10k-images/t10k-labels IDX files (default: the model's data.dir)");
  cmd->add_option("--images", o.images_path, "An IDX image file to evaluate on (with --labels)");
  cmd->add_option("--labels", o.labels_path, "An IDX label file to evaluate on (with --images)");
  cmd->add_option("--format", o.format, "Output format")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--batch-size", o.batch_size, "Images per forward pass")->check(CLI::Range(1, 65536));
  cmd->add_option("--threads", o.threads, "Threads (default: all cores)")->check(CLI::Range(1, 1024));
  return cmd;
}

int run_eval(const EvalOptions&) { CNN_FAIL(ExitCode::kUsage, "cnn eval: not implemented yet"); }

}  // namespace cnn
