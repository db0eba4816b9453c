// The end-to-end tests' shared set-up: tiny IDX data written by the test, a tiny run config that
// each test changes only where it differs, and a workspace (a scratch folder with its own state
// folder) that runs cnn there: train, resume, eval, interrupt, and the comparisons of the models
// and metrics that the runs leave.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli_runner.hpp"
#include "idx_writer.hpp"

namespace cnn::test {

// Synthetic IDX files (idx_writer.hpp): `train` training and `test` test images from their seeds.
struct TinyData {
  int train = 700;
  int test = 200;
  bool gzip = true;
  std::uint64_t train_seed = 1001;
  std::uint64_t test_seed = 2002;

  // Writes train-* and t10k-* into dir (created if missing).
  void write(const std::string& dir) const;
  // The test images and labels that write() puts into t10k-*.
  SyntheticSet test_set() const { return make_synthetic(test, test_seed); }
};

// A small run config, by default a tiny LeNet-like net on 28x28 digits that trains in a fraction
// of a second: conv 4@5x5 (same, ReLU), 2x2 max pool, dense 10, softmax; 3 epochs of batches of
// 32, Adam at 0.003, seed 7, 100 validation images. yaml() writes one key a line, in this order
// (a test may count on the line numbers): data, model, input, layers, a line a layer, train,
// epochs, batch_size, optimizer, schedule, seed, augment, output; an empty optimizer, schedule,
// augment or output, or a batch_size of 0, leaves its key out (cnn's default).
struct TinyConfig {
  std::string data_dir;      // data.dir
  int validation = 100;      // data.validation
  std::string data_options;  // more keys of data, e.g. "format: folder, normalize: auto"
  std::string input = "[1, 28, 28]";
  std::vector<std::string> layers = default_layers();  // each the text after "- "
  int epochs = 3;
  int batch_size = 32;
  std::string optimizer = "{type: adam, lr: 0.003}";
  std::string schedule;  // e.g. "constant", "{type: cosine, min_lr: 0.0001}"
  std::uint64_t seed = 7;
  std::string augment;  // a flow map, e.g. "{rotation: 12, translate: 2}"
  std::string output;   // the run folder

  static std::vector<std::string> default_layers();

  // Chainable changes, so that a test states only what differs.
  TinyConfig& with_data(const std::string& dir) { data_dir = dir; return *this; }
  TinyConfig& with_validation(int n) { validation = n; return *this; }
  TinyConfig& with_data_options(const std::string& o) { data_options = o; return *this; }
  TinyConfig& with_input(const std::string& shape) { input = shape; return *this; }
  TinyConfig& with_layers(std::vector<std::string> l) { layers = std::move(l); return *this; }
  // A dense layer of `units` (ReLU) before the last dense layer.
  TinyConfig& with_hidden_dense(int units);
  TinyConfig& with_epochs(int n) { epochs = n; return *this; }
  TinyConfig& with_batch_size(int n) { batch_size = n; return *this; }
  TinyConfig& with_optimizer(const std::string& o) { optimizer = o; return *this; }
  TinyConfig& with_schedule(const std::string& s) { schedule = s; return *this; }
  TinyConfig& with_seed(std::uint64_t s) { seed = s; return *this; }
  TinyConfig& with_augment(const std::string& a) { augment = a; return *this; }
  TinyConfig& with_output(const std::string& out) { output = out; return *this; }

  std::string yaml() const;
  void write(const std::string& path) const { write_text(path, yaml()); }
};

// A scratch folder for one test: the data in <dir>/data, cnn's state (the latest-model note) in
// <dir>/state, and every cnn run started in the folder with OPENBLAS_NUM_THREADS=1.
class E2eWorkspace {
 public:
  // Writes `data` into <dir>/data (std::nullopt: no data, the test writes its own).
  explicit E2eWorkspace(const std::string& tag, const std::optional<TinyData>& data = TinyData{});

  ScratchDir dir;
  std::string data = dir.file("data");
  // The start of every cnn command: its own state folder; a test may add variables.
  std::string env = "XDG_STATE_HOME='" + dir.file("state") + "' OPENBLAS_NUM_THREADS=1 ";

  std::string file(const std::string& name) const { return dir.file(name); }
  // The tiny config on this workspace's data.
  TinyConfig tiny_config() const { return TinyConfig().with_data(data); }
  // Writes `config` to <dir>/name and returns its path.
  std::string write_config(const std::string& name, const TinyConfig& config) const;

  // The shell command `cd cwd; env launcher cnn args` (cwd: the workspace when empty; launcher:
  // e.g. "timeout 120 " or an mpirun line). args is shell syntax and may go on with more commands.
  std::string command(const std::string& args, const std::string& launcher = "", const std::string& cwd = "") const;
  RunResult cnn(const std::string& args, const std::string& cwd = "") const { return run_shell(command(args, "", cwd)); }

  // Writes `config` to <dir>/<out>.cfg and trains it on `threads` threads (and `flags`) into the
  // run folder <dir>/<out>.
  RunResult run_train(const TinyConfig& config, int threads, const std::string& out, const std::string& flags = "") const;
  // The same, REQUIREs success; returns <dir>/<out>/model.bin.
  std::string train(const TinyConfig& config, int threads, const std::string& out, const std::string& flags = "") const;
  // `train --resume model flags`.
  RunResult resume(const std::string& model, const std::string& flags = "") const;
  // `eval --weights model --data <data> flags`.
  RunResult eval(const std::string& model, const std::string& flags = "") const;

  // Runs `cnn args` in the background, polls every 0.01 s (for at most 120 s, or until cnn has
  // exited) until the file `metrics` holds at least `rows` lines, then sends `signal` and waits:
  // a condition rather than a delay, so that a slow machine only waits longer. The result holds
  // cnn's exit code and stderr.
  RunResult interrupt(const std::string& args, const std::string& metrics, int rows = 1, const std::string& signal = "INT",
                      const std::string& launcher = "") const;
  // Trains the config file <dir>/<config> on 2 threads into <dir>/whole; trains it again into
  // <dir>/part, stopped (SIGINT) once the first epoch is in metrics.csv and continued with
  // --resume alone; checks that both runs have the same metrics and every tensor bit for bit.
  // Returns the uninterrupted run's result.
  RunResult check_resume_is_exact(const std::string& config) const;
};

// Every parameter and running statistic of the two model files agrees to
// |a - b| <= rel * max(|a|, |b|) + abs, in the same shapes (REQUIRE).
void require_close_models(const std::string& a_path, const std::string& b_path, double rel, double abs);

// The rows of a metrics.csv without their last field (the seconds an epoch took).
std::vector<std::string> metric_rows(const std::string& path);

// CHECKs the exit code and that stderr holds `needle`.
void expect_failure(const RunResult& r, int code, const std::string& needle);
// CHECKs exit code 0, with stderr shown otherwise.
void expect_success(const RunResult& r);

}  // namespace cnn::test
