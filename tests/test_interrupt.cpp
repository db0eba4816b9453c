// End-to-end test of interruption: Ctrl-C (SIGINT) or SIGTERM finishes the step, writes a
// checkpoint and exits 130, and the checkpoint resumes. The signal is sent once training is seen
// to be under way (an epoch's row in metrics.csv), polled with a generous overall limit rather
// than after a fixed sleep, so that a slow machine cannot make the test flaky.
#include <catch2/catch.hpp>

#include <filesystem>

#include "e2e_workspace.hpp"

using namespace cnn::test;

namespace {

// The tiny config, training without end (100000 epochs) into run/.
struct Workspace : E2eWorkspace {
  Workspace() : E2eWorkspace("interrupt") {}
  std::string config = write_config("endless.cfg", tiny_config().with_epochs(100000).with_output(dir.file("run")));
};

}  // namespace

TEST_CASE("Ctrl-C finishes the step, writes a checkpoint and exits 130", "[e2e][interrupt]") {
  Workspace w;
  // The header and one epoch's row: training is under way.
  const std::string metrics = w.dir.file("run/metrics.csv");
  const auto r = w.interrupt("train --config " + w.config + " --threads 1 --out " + w.dir.file("run"), metrics, 2, "INT");
  INFO(r.err);
  CHECK(r.exit_code == 130);
  CHECK(r.err.find("interrupted") != std::string::npos);
  REQUIRE(std::filesystem::exists(w.dir.file("run/model.bin")));

  // The checkpoint resumes (with the settings saved in it); SIGTERM stops it the same way once it
  // has finished another epoch.
  const std::size_t rows = metric_rows(metrics).size();
  const auto resumed = w.interrupt("train --resume " + w.dir.file("run/model.bin") + " --threads 1", metrics,
                                   static_cast<int>(rows) + 1, "TERM");
  INFO(resumed.err);
  CHECK(resumed.exit_code == 130);
  CHECK(resumed.err.find("resuming in epoch") != std::string::npos);
  CHECK(metric_rows(metrics).size() > rows);
}
