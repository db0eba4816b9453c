// `cnn train` command line and entry point: which settings a run uses and which folder it writes.
//
// A new run takes the config file and the command-line overrides, resolves the thread count and
// the data and output paths, and claims a run folder that holds no other run
// (train/run_folder.hpp). `--resume FILE` alone continues the run recorded in FILE, in FILE's own
// folder, with the settings saved in it; overrides given with it either apply, with a log line
// saying what changes, or are refused when they cannot (cli/resume_plan.hpp).
#include "cli/train.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/latest_model.hpp"
#include "cli/progress.hpp"
#include "core/worker_team.hpp"
#include "dist/make_communicator.hpp"
#include "cli/live_report.hpp"
#include "cli/report.hpp"
#include "cli/step_log.hpp"
#include "cli/tensorboard_log.hpp"
#include "train/data_source.hpp"
#include "core/error.hpp"
#include "net/builder.hpp"
#include "cli/resume_plan.hpp"
#include "config/config.hpp"
#include "train/trainer.hpp"

namespace cnn {

namespace {

// Under mpirun rank 0 alone reads the config and model files and sends their bytes to the other
// ranks (bytes_from_rank0), so the files need to exist only on rank 0's machine: the other ranks
// skip the check.
const CLI::Validator kExistingFileOnRank0(
    [](std::string& path) { return launched_world_rank() == 0 ? CLI::ExistingFile(path) : std::string(); }, "FILE");

}  // namespace

CLI::App* add_train_command(CLI::App& parent, TrainOptions& o) {
  CLI::App* cmd = parent.add_subcommand("train", "Train a network from a config file, or continue a run (--resume)");
  cmd->add_option("-c,--config", o.config_path, "YAML config describing the network and training")
      ->check(kExistingFileOnRank0);
  cmd->add_option("--epochs", o.epochs, "Number of epochs (overrides train.epochs; with --resume: extends the run)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--batch-size", o.batch_size, "Mini-batch size (overrides train.batch_size)")
      ->check(CLI::Range(1, 65536));
  cmd->add_option("--lr", o.lr, "Learning rate (overrides train.optimizer.lr)")->check(CLI::PositiveNumber);
  cmd->add_option("--seed", o.seed, "Random seed for initialisation and shuffling (overrides train.seed)");
  cmd->add_option("--threads", o.threads, "Threads for all parallel work (default: all cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--data", o.data_dir, "Data folder: the IDX files, CIFAR-10 batches or class folders (overrides data.dir)");
  cmd->add_option("--out", o.out_dir, "Run folder for checkpoints and metrics (overrides output)");
  cmd->add_option("--validation", o.validation, "Training images held out for validation (overrides data.validation)")
      ->check(CLI::Range(0, 100000000));
  cmd->add_flag("--overwrite", o.overwrite,
                "Replace the run in the output folder (default: a folder holding a run is kept and this run "
                "goes to a numbered sibling)");
  auto* resume = cmd->add_option("--resume", o.resume_path,
                                 "Continue the run of this checkpoint, in its folder, with its recorded settings")
                     ->check(kExistingFileOnRank0);
  auto* init = cmd->add_option("--init", o.init_path, "Start from this model file's weights with a fresh optimizer")
                   ->check(kExistingFileOnRank0);
  resume->excludes(init);
  cmd->add_flag("--tensorboard", o.tensorboard,
                "Also write TensorBoard event files (events.out.tfevents.*) into the run folder: the curves per step and "
                "per epoch, and the config (as train.tensorboard: true)");
  cmd->add_flag("--no-report", o.no_report, "Do not write report.html into the run folder (after each epoch and at the end)");
  return cmd;
}

namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_stop_requested{false};

extern "C" void request_stop(int) { g_stop_requested.store(true); }

std::string absolute_path(const std::string& path) { return fs::absolute(path).lexically_normal().string(); }

// Rank 0 reads a file and hands its bytes to every rank, so that every rank starts from the
// same config and model bytes even when the file is only on rank 0's machine (or changes meanwhile).
std::string bytes_from_rank0(Communicator& comm, const std::string& path) {
  std::string bytes;
  if (comm.rank() == 0) {
    std::ifstream in(path, std::ios::binary);
    CNN_CHECK_CODE(in.good(), ExitCode::kIo, "{}: cannot open the file", path);
    std::ostringstream all;
    all << in.rdbuf();
    bytes = all.str();
  }
  broadcast_string(comm, bytes);
  return bytes;
}

LoadedModel load_model_on_rank0(Communicator& comm, const std::string& path) {
  if (comm.size() == 1) return load_model(path);
  return load_model_from_bytes(bytes_from_rank0(comm, path), path);
}

// Without --threads, the ranks on one machine share its cores.
int default_threads(const Communicator& comm) { return std::max(1, default_thread_count() / comm.local_size()); }

// A new run: the config file, then the command-line overrides, then a run folder of its own.
RunConfig new_run_config(const TrainOptions& o, Communicator& comm) {
  CNN_CHECK_CODE(!o.config_path.empty(), ExitCode::kUsage, "cnn train needs --config FILE (or --resume CHECKPOINT)");
  RunConfig config = comm.size() == 1 ? load_config(o.config_path) : parse_config(bytes_from_rank0(comm, o.config_path), o.config_path);
  if (o.epochs) config.train.epochs = *o.epochs;
  if (o.batch_size) config.train.batch_size = *o.batch_size;
  if (o.lr) config.train.optimizer.lr = *o.lr;
  if (o.seed) config.train.seed = *o.seed;
  if (o.threads) config.train.threads = *o.threads;
  if (o.data_dir) config.data.dir = *o.data_dir;
  if (o.out_dir) config.output = *o.out_dir;
  if (o.validation) config.data.validation = *o.validation;
  // Recorded as resolved, so that a resumed run uses the same number of threads (and so the same
  // sums) on any machine.
  if (config.train.threads <= 0) config.train.threads = default_threads(comm);
  return config;
}

// What checkpoints record: the effective settings with absolute paths, so that a resume from
// another working folder finds the same data.
nlohmann::json recorded_settings(const RunConfig& config) {
  RunConfig recorded = config;
  recorded.data.dir = absolute_path(config.data.dir);
  if (!config.data.class_names_file.empty()) recorded.data.class_names_file = absolute_path(config.data.class_names_file);
  recorded.output = absolute_path(config.output);
  return settings_to_json(recorded);
}

}  // namespace

int run_train(const TrainOptions& options, Communicator& comm) {
  // Installed first, so that even a signal during start-up ends with a step and a checkpoint.
  g_stop_requested.store(false);
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  TrainRequest request;
  std::unique_ptr<LoadedModel> resume, init;
  if (!options.resume_path.empty()) {
    CNN_CHECK_CODE(options.config_path.empty(), ExitCode::kUsage,
                   "--config cannot be combined with --resume: a resumed run keeps the settings recorded in {} "
                   "(to start a new run from its weights, use --config with --init)",
                   options.resume_path);
    CNN_CHECK_CODE(!options.overwrite, ExitCode::kUsage, "--overwrite cannot be combined with --resume");
    resume = std::make_unique<LoadedModel>(load_model_on_rank0(comm, options.resume_path));
    const ResumePlan plan = plan_resume(*resume, options.resume_path, options);
    if (plan.finished) {
      if (comm.rank() == 0)
        spdlog::info("{}: the run is complete ({} epochs); nothing to do (--epochs N extends it)", options.resume_path,
                   plan.config.train.epochs);
      return 0;
    }
    request.config = plan.config;
    request.resume = resume.get();
    request.resume_path = options.resume_path;
  } else {
    request.config = new_run_config(options, comm);
    build_net(request.config.model);  // fail on a bad architecture before touching any folder
    // Rank 0 claims the folder (a numbered sibling when taken); every rank records its choice.
    if (comm.rank() == 0) request.config.output = claim_run_folder(request.config.output, options.overwrite);
    broadcast_string(comm, request.config.output);
    if (!options.init_path.empty()) {
      init = std::make_unique<LoadedModel>(load_model_on_rank0(comm, options.init_path));
      request.init = init.get();
      request.init_path = options.init_path;
    }
  }
  request.settings = recorded_settings(request.config);
  const RunConfig& config = request.config;
  request.comm = &comm;
  if (comm.size() > 1)
    spdlog::info("{} ranks x {} threads: each step's batch of {} is split over the ranks", comm.size(),
                 config.train.threads, config.train.batch_size);
  if (config.train.average.enabled() && comm.rank() == 0)
    spdlog::info("train.ema: validation, model.bin and best.bin use the weights' moving average (decay {}{})",
                 config.train.average.decay,
                 config.train.average.tau > 0.0f ? fmt::format(", ramped up over tau = {} steps", config.train.average.tau) : "");
  // Every rank reads the data itself: on every machine, or in a shared folder (docs/distributed.md).
  spdlog::info("loading training data ({}) from {}", kDataFormatNames.name(config.data.format), config.data.dir);
  {
    // In a block: the training set (45 MiB of MNIST) is freed before the report below loads the
    // test set, so that a run's peak memory is training's, not training's plus the report's.
    const Dataset data = load_data_logged(
        [&](const DataLoadOptions& load) { return load_training_data(config.data, config.model.input, load); },
        config.train.threads);
    ConsoleProgress console;
    TrainingObserver silent;  // ranks other than 0 show no progress
    TrainingObserver& shown = comm.rank() == 0 ? static_cast<TrainingObserver&>(console) : silent;
    // Rank 0 rewrites report.html after every epoch (cli/live_report.hpp) unless --no-report.
    LiveReport live(shown, config.output, config.train.epochs);
    const bool live_pages = comm.rank() == 0 && !options.no_report;
    TrainingObserver& paged = live_pages ? static_cast<TrainingObserver&>(live) : shown;
    // The per-step curves for the report (cli/step_log.hpp), written by rank 0.
    StepLog steps(paged, config.output);
    TrainingObserver& reported = comm.rank() == 0 ? static_cast<TrainingObserver&>(steps) : paged;
    // TensorBoard's event files (cli/tensorboard_log.hpp), written by rank 0.
    std::unique_ptr<TensorBoardLog> tensorboard;
    if (comm.rank() == 0 && (options.tensorboard || config.train.tensorboard)) {
      tensorboard = std::make_unique<TensorBoardLog>(reported, config.output, config.text, data.class_names,
                                                     !options.resume_path.empty());
      spdlog::info("TensorBoard: {} (tensorboard --logdir {})", tensorboard->path(), config.output);
    }
    try {
      run_training(request, data, tensorboard ? static_cast<TrainingObserver&>(*tensorboard) : reported, g_stop_requested);
    } catch (const Error& e) {
      // The last live page would go on reloading: replace it with one that says the run stopped.
      if (live_pages && live.pages_written() > 0 && (e.code() == ExitCode::kInterrupted || e.code() == ExitCode::kDiverged))
        live.write_stopped();
      throw;
    }
    if (live.pages_written() > 0)
      spdlog::info("live report: rewritten after each of {} epochs, {:.0f} ms each on average", live.pages_written(),
                   1000.0 * live.seconds_spent() / live.pages_written());
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);

  if (comm.rank() != 0) return 0;  // rank 0 alone writes the run folder and its report
  const std::string model = checkpoint_path(config.output);
  remember_latest_model(model);
  fmt::print("model: {}\n", model);
  if (config.data.validation > 0) fmt::print("best:  {}\n", best_path(config.output));
  fmt::print("metrics: {}\n", metrics_path(config.output));
  if (!options.no_report) report_after_training(config.output, config.train.threads > 0 ? config.train.threads : default_thread_count());
  return 0;
}

}  // namespace cnn
