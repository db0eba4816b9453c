// End-to-end test of interruption: Ctrl-C (SIGINT) or SIGTERM finishes the step, writes a
// checkpoint and exits 130, and the checkpoint resumes. The signal is sent once training is seen
// to be under way (an epoch's row in metrics.csv), polled with a generous overall limit rather
// than after a fixed sleep, so that a slow machine cannot make the test flaky.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "cli_runner.hpp"
#include "idx_writer.hpp"

using namespace cnn::test;

namespace {

std::string endless_config(const std::string& data_dir, const std::string& out) {
  return "data: {dir: " + data_dir + ", validation: 100}\n"
         "model:\n"
         "  input: [1, 28, 28]\n"
         "  layers:\n"
         "    - conv: {filters: 4, kernel: 5, padding: same, activation: relu}\n"
         "    - pool: {type: max, size: 2}\n"
         "    - flatten\n"
         "    - dense: {units: 10}\n"
         "    - softmax\n"
         "train:\n"
         "  epochs: 100000\n"
         "  batch_size: 32\n"
         "  optimizer: {type: adam, lr: 0.003}\n"
         "  seed: 7\n"
         "output: " + out + "\n";
}

int count_lines(const std::string& path) {
  std::ifstream in(path);
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines;
}

struct Workspace {
  ScratchDir dir{"interrupt"};
  std::string data = dir.file("data");
  std::string config = dir.file("endless.cfg");
  std::string env = "XDG_STATE_HOME='" + dir.file("state") + "' ";
  Workspace() {
    std::filesystem::create_directories(data);
    write_synthetic_mnist(data, 700, 200, true);
    write_text(config, endless_config(data, dir.file("run")));
  }

  // Runs `cnn <args>` in the background, polls every 0.1 s (for at most 120 s, or until cnn has
  // exited) until metrics.csv holds at least `rows` lines, then sends `signal` and waits. The
  // result holds cnn's exit code and stderr.
  RunResult run_then_signal(const std::string& args, int rows, const std::string& signal) const {
    static int calls = 0;
    const std::string log = dir.file("stderr-" + std::to_string(calls++));
    const std::string metrics = dir.file("run/metrics.csv");
    return run_shell(env + "OPENBLAS_NUM_THREADS=1 '" + CNN_EXE + "' " + args + " 2>'" + log + "' & pid=$!; " +
                     "for i in $(seq 1 1200); do "
                     "  [ \"$(cat '" + metrics + "' 2>/dev/null | wc -l)\" -ge " + std::to_string(rows) + " ] && break; "
                     "  kill -0 $pid 2>/dev/null || break; sleep 0.1; "
                     "done; kill -" + signal + " $pid 2>/dev/null; wait $pid; code=$?; cat '" + log + "' >&2; exit $code");
  }
};

}  // namespace

TEST_CASE("Ctrl-C finishes the step, writes a checkpoint and exits 130", "[e2e][interrupt]") {
  Workspace w;
  // The header and one epoch's row: training is under way.
  const auto r = w.run_then_signal("train --config " + w.config + " --threads 1 --out " + w.dir.file("run"), 2, "INT");
  INFO(r.err);
  CHECK(r.exit_code == 130);
  CHECK(r.err.find("interrupted") != std::string::npos);
  REQUIRE(std::filesystem::exists(w.dir.file("run/model.bin")));

  // The checkpoint resumes (with the settings saved in it); SIGTERM stops it the same way once it
  // has finished another epoch.
  const int rows = count_lines(w.dir.file("run/metrics.csv"));
  const auto resumed = w.run_then_signal("train --resume " + w.dir.file("run/model.bin") + " --threads 1", rows + 1, "TERM");
  INFO(resumed.err);
  CHECK(resumed.exit_code == 130);
  CHECK(resumed.err.find("resuming in epoch") != std::string::npos);
  CHECK(count_lines(w.dir.file("run/metrics.csv")) > rows);
}
