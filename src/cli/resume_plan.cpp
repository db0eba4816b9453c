// Resume planning; the rules are in resume_plan.hpp.
#include "cli/resume_plan.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "core/error.hpp"
#include "core/worker_team.hpp"
#include "train/trainer.hpp"

namespace cnn {
namespace {

namespace fs = std::filesystem;

std::string absolute_path(const std::string& path) { return fs::absolute(path).lexically_normal().string(); }

RunConfig recorded_config(const LoadedModel& saved, const std::string& path) {
  RunConfig config;
  if (!saved.settings.is_null()) {
    try {
      config = parse_settings(saved.settings, path + " (recorded settings)");
    } catch (const Error& e) {
      CNN_FAIL(ExitCode::kModel, "{}", e.what());
    }
  } else {
    CNN_CHECK_CODE(!saved.config_text.empty(), ExitCode::kModel, "{}: records neither settings nor a config to resume with",
                   path);
    try {
      config = parse_config(saved.config_text, path + " (embedded config)");
    } catch (const Error& e) {
      CNN_FAIL(ExitCode::kModel, "{}", e.what());
    }
    if (config.train.threads <= 0) config.train.threads = default_thread_count();
    spdlog::warn("{} was written by an older cnn that did not record command-line overrides: resuming with its config "
                 "file's settings (data {}, {} epochs); give --data, --epochs, ... as in the original run",
                 path, config.data.dir, config.train.epochs);
  }
  config.model = saved.spec;
  config.text = saved.config_text;
  return config;
}

const char* kDiffers = "so the result differs from the original run";

void apply_epochs(RunConfig& config, const TrainingProgress& progress, int epochs) {
  const int recorded = config.train.epochs;
  if (epochs == recorded) return;
  const int needed = progress.epoch + (progress.batch > 0 ? 1 : 0);
  CNN_CHECK_CODE(epochs >= needed, ExitCode::kUsage, "--epochs {}: the run has already {} {} epoch{}", epochs,
                 progress.batch > 0 ? "started" : "done", needed, needed == 1 ? "" : "s");
  config.train.epochs = epochs;
  if (config.train.schedule.type == ScheduleType::kCosine) {
    spdlog::warn("--epochs {}: the run was planned for {} epochs; the cosine schedule is recomputed over {} epochs, so "
                 "the learning rate from this step on follows the curve of a {}-epoch run (it jumps here), {}",
                 epochs, recorded, epochs, epochs, kDiffers);
  } else {
    spdlog::warn("--epochs {}: the run was planned for {} epochs; its {} schedule does not depend on the epoch count, "
                 "so the result is that of a run planned for {} epochs from the start",
                 epochs, recorded, schedule_type_name(config.train.schedule.type), epochs);
  }
}

}  // namespace

ResumePlan plan_resume(const LoadedModel& saved, const std::string& path, const TrainOptions& o) {
  const TrainingProgress progress = read_training_progress(saved, path);
  ResumePlan plan;
  RunConfig& config = plan.config;
  config = recorded_config(saved, path);
  // Checked now, before any data is loaded: the recorded optimizer is the one its state is for.
  const nlohmann::json& training = saved.contents.header["training"];
  const std::string optimizer = training.contains("optimizer") && training["optimizer"].is_string()
                                    ? training["optimizer"].get<std::string>()
                                    : std::string("(none)");
  CNN_CHECK_CODE(optimizer == optimizer_type_name(config.train.optimizer.type), ExitCode::kModel,
                 "{}: its optimizer state is for '{}' but its settings name '{}'", path, optimizer,
                 optimizer_type_name(config.train.optimizer.type));
  // The folder as the user named it (for messages), compared as absolute paths.
  const std::string run_dir = fs::path(path).parent_path().empty() ? "." : fs::path(path).parent_path().string();
  if (!saved.settings.is_null() && absolute_path(config.output) != absolute_path(run_dir))
    spdlog::info("the run was recorded in {}; continuing in the checkpoint's folder {}", config.output, run_dir);
  config.output = run_dir;

  if (o.out_dir)
    CNN_CHECK_CODE(absolute_path(*o.out_dir) == absolute_path(run_dir), ExitCode::kUsage,
                   "--out cannot move a resumed run: it continues in its checkpoint's folder {} (copy that folder and "
                   "resume from the copy to continue elsewhere)", run_dir);
  if (o.seed)
    CNN_CHECK_CODE(*o.seed == config.train.seed, ExitCode::kUsage,
                   "--seed cannot change on --resume: the run's seed {} already chose its initial weights and its "
                   "shuffling, both saved in {}", config.train.seed, path);
  if (o.validation)
    CNN_CHECK_CODE(*o.validation == config.data.validation, ExitCode::kUsage,
                   "--validation cannot change on --resume: it would change which images the run trains on "
                   "(recorded: {})", config.data.validation);
  if (o.batch_size && *o.batch_size != config.train.batch_size) {
    CNN_CHECK_CODE(progress.batch == 0, ExitCode::kUsage,
                   "--batch-size cannot change in the middle of an epoch ({} stopped after batch {} of epoch {}); "
                   "resume without it and change it at an epoch boundary", path, progress.batch, progress.epoch + 1);
    spdlog::warn("--batch-size {}: batches of {} instead of {} from epoch {} on, {}", *o.batch_size, *o.batch_size,
                 config.train.batch_size, progress.epoch + 1, kDiffers);
    config.train.batch_size = *o.batch_size;
  }
  if (o.epochs) apply_epochs(config, progress, *o.epochs);
  if (o.lr && *o.lr != config.train.optimizer.lr) {
    spdlog::warn("--lr {}: base learning rate {} instead of {} from here on, {}", *o.lr, *o.lr, config.train.optimizer.lr,
                 kDiffers);
    config.train.optimizer.lr = *o.lr;
  }
  if (o.threads && *o.threads != config.train.threads) {
    spdlog::warn("--threads {}: the run used {} threads; sums are taken in another order, so the weights will differ "
                 "slightly from an uninterrupted {}-thread run", *o.threads, config.train.threads, config.train.threads);
    config.train.threads = *o.threads;
  }
  if (o.data_dir && absolute_path(*o.data_dir) != absolute_path(config.data.dir)) {
    spdlog::warn("--data {}: reading the data from there instead of the recorded {} (the same files give the same run)",
                 *o.data_dir, config.data.dir);
    config.data.dir = *o.data_dir;
  }
  plan.finished = progress.epoch >= config.train.epochs;
  return plan;
}

}  // namespace cnn
