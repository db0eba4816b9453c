// `cnn eval` command line and entry point.
#include "cli/eval.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

#include "cli/progress.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "core/worker_team.hpp"
#include "io/idx.hpp"
#include "ops/blas.hpp"
#include "runtime/evaluate.hpp"
#include "runtime/model_loader.hpp"
#include "runtime/network_input.hpp"
#include "runtime/test_data.hpp"

namespace cnn {

CLI::App* add_eval_command(CLI::App& parent, EvalOptions& o) {
  CLI::App* cmd = parent.add_subcommand("eval", "Evaluate a model file on a test set");
  cmd->add_option("-w,--weights", o.weights_path, "Model file written by cnn train")->required();
  cmd->add_option("--data", o.data_dir,
                  "Data folder of the model's kind: t10k-* IDX files (default: data/mnist), CIFAR-10's test_batch.bin, or a "
                  "folder whose test/<class>/* is evaluated");
  cmd->add_option("--images", o.images_path, "An IDX image file to evaluate on (with --labels)");
  cmd->add_option("--labels", o.labels_path, "An IDX label file to evaluate on (with --images)");
  cmd->add_option("--format", o.format, "Output format")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--batch-size", o.batch_size, "Images per forward pass")->check(CLI::Range(1, 65536));
  cmd->add_option("--threads", o.threads, "Threads (default: all cores)")->check(CLI::Range(1, 1024));
  cmd->add_flag("--predictions", o.predictions, "Also list the predicted class of every image (JSON: key 'predictions')");
  cmd->add_option("--tta", o.tta, "Test-time augmentation: flip averages the logits of each image and its left-right mirror; flip-translate "
                  "adds the pair moved a pixel up-left and down-right (six views)")
      ->check(CLI::IsMember({"none", "flip", "flip-translate"}));
  return cmd;
}

namespace {

// The test set: --images/--labels (an IDX pair), else the model's kind of data in --data: IDX
// t10k-* files (default data/mnist), CIFAR-10's test_batch.bin, or a folder's DIR/test/<class>/*.
// A model file is untrusted input, so the data folder named in its embedded config is only
// mentioned, never opened.
Dataset load_test_set(const EvalOptions& o, const LoadedModel& model, int threads) {
  CNN_CHECK_CODE(o.images_path.empty() == o.labels_path.empty(), ExitCode::kUsage, "--images and --labels go together");
  if (!o.images_path.empty()) {
    Dataset d = load_dataset(o.images_path, o.labels_path);
    if (model.data.transpose) transpose_images(d.images);
    d.class_names = model.data.class_names;
    return d;
  }
  const bool idx = model.data.format == DataFormat::kIdx;
  CNN_CHECK_CODE(idx || o.data_dir.has_value(), ExitCode::kUsage,
                 "{}: a model trained on {} data needs --data DIR ({})", o.weights_path, kDataFormatNames.name(model.data.format),
                 model.data.format == DataFormat::kFolder ? "it evaluates on DIR/test/<class>/*" : "the folder of test_batch.bin");
  const std::string dir = o.data_dir.value_or("data/mnist");
  if (!o.data_dir && !model.config_text.empty()) {
    try {
      const std::string trained_on = parse_config(model.config_text, o.weights_path).data.dir;
      if (trained_on != dir) spdlog::info("the model was trained on {}; pass --data {} to evaluate on its test set", trained_on, trained_on);
    } catch (const Error&) {
    }
  }
  return load_data_logged([&](const DataLoadOptions& load) { return load_test_data(model.data, dir, model.spec.input, load); },
                          threads);
}

void print_text(const EvalResult& r, const std::string& weights, const std::vector<std::string>& names) {
  fmt::print("model:    {}\n", weights);
  fmt::print("images:   {}\n", r.count);
  fmt::print("accuracy: {:.4f} ({} of {} correct, {:.2f}%)\n", r.accuracy(), r.correct, r.count, 100.0 * r.accuracy());
  fmt::print("loss:     {:.6f}\n\n", r.loss);
  fmt::print("class  precision  recall  support  name\n");
  for (int c = 0; c < r.classes(); ++c) {
    const std::int64_t support = r.support(c);
    fmt::print("{:>5}  {:>9.4f}  {:>6.4f}  {:>7}  {}\n", c, r.precision(c), r.recall(c), support,
               names[static_cast<std::size_t>(c)]);
  }
  fmt::print("\nconfusion matrix (rows: true class, columns: predicted)\n      ");
  for (int p = 0; p < r.classes(); ++p) fmt::print("{:>6}", p);
  fmt::print("\n");
  for (int t = 0; t < r.classes(); ++t) {
    fmt::print("{:>6}", t);
    for (int p = 0; p < r.classes(); ++p) fmt::print("{:>6}", r.confusion[t][p]);
    fmt::print("\n");
  }
}

void print_json(const EvalResult& r, const std::string& weights, const std::vector<std::string>& names, bool with_predictions,
                double seconds, TestTimeAugmentation tta) {
  nlohmann::json j;
  j["model"] = weights;
  j["tta"] = tta_name(tta);
  j["classes"] = names;
  j["count"] = r.count;
  j["correct"] = r.correct;
  j["accuracy"] = r.accuracy();
  j["loss"] = r.loss;
  j["per_class"] = nlohmann::json::array();
  for (int c = 0; c < r.classes(); ++c) {
    const std::int64_t support = r.support(c);
    j["per_class"].push_back({{"class", c}, {"class_name", names[static_cast<std::size_t>(c)]}, {"precision", r.precision(c)}, {"recall", r.recall(c)}, {"support", support}});
  }
  j["confusion"] = r.confusion;
  j["seconds"] = seconds;  // forward passes only, without loading
  if (with_predictions) j["predictions"] = r.predictions;
  fmt::print("{}\n", j.dump());
}

}  // namespace

int run_eval(const EvalOptions& o, Communicator& comm) {
  LoadedModel model = load_model(o.weights_path);
  CNN_CHECK_CODE(model.net->output_shape().rank() == 1, ExitCode::kModel, "{}: the model's output {} is not one score per class",
                 o.weights_path, model.net->output_shape().str());
  // Without --threads, the ranks on one machine share its cores.
  const int threads = o.threads ? *o.threads : std::max(1, default_thread_count() / comm.local_size());
  const Dataset test = load_test_set(o, model, threads);
  check_labels(test.labels, model.net->output_shape()[0], o.images_path.empty() ? "the test set" : o.labels_path);
  try {
    check_images_fit(test.images, model.spec.input);
  } catch (const Error& e) {
    CNN_FAIL(ExitCode::kData, "{}", e.what());
  }
  const TestTimeAugmentation tta = parse_tta(o.tta);
  spdlog::info("evaluating {} on {} images{}", o.weights_path, test.size(),
               tta == TestTimeAugmentation::kFlip            ? " and their mirrors (--tta flip: the two logits averaged)"
               : tta == TestTimeAugmentation::kFlipTranslate ? " in six views each (--tta flip-translate: mirrored and moved a pixel)"
                                                             : "");
  ReplicaSet replicas(*model.net, model.spec, threads);
  const auto start = std::chrono::steady_clock::now();
  // Under mpirun each rank evaluates its share; every rank loaded the model and data itself.
  const EvalResult result = evaluate_across(comm, replicas, test.images, test.labels, 0, test.size(), o.batch_size,
                                            model.data.normalization, tta);
  if (comm.rank() != 0) return 0;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("evaluated {} images in {:.3f} s ({:.0f} images/s, batch {}, {} threads)", test.size(), seconds,
               test.size() / seconds, o.batch_size, replicas.size());
  if (o.format == "json") {
    print_json(result, o.weights_path, model.data.class_names, o.predictions, seconds, tta);
  } else {
    print_text(result, o.weights_path, model.data.class_names);
    if (o.predictions) {
      fmt::print("\npredictions:");
      for (const Label p : result.predictions) fmt::print(" {}", p);
      fmt::print("\n");
    }
  }
  return 0;
}

}  // namespace cnn
