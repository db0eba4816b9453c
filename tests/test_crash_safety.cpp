// Crash safety of checkpoints: training is killed with SIGKILL at many moments, most of them
// while a checkpoint is being written (epochs are tiny, so saving is a large share of the run),
// and after every kill the newest checkpoint must load and verify. The next run cleans up the
// temporary files that the kills left behind.
#include <catch2/catch.hpp>
#include <filesystem>

#include "core/rng.hpp"
#include "e2e_workspace.hpp"
#include "train/checkpoint.hpp"

using namespace cnn::test;
namespace fs = std::filesystem;

TEST_CASE("SIGKILL during checkpoint writes never leaves a broken newest checkpoint", "[e2e][crash]") {
  E2eWorkspace w("crash", TinyData{40, 10, false});
  const std::string run = w.file("run");
  // Training without end, on 32 images in batches of 16 (cnn's default optimizer).
  TinyConfig endless = w.tiny_config().with_validation(8).with_epochs(100000).with_batch_size(16).with_optimizer("").with_seed(3);
  endless.with_layers({"conv: {filters: 2, kernel: 5, activation: relu}", "pool: {size: 2}", "flatten", "dense: {units: 10}", "softmax"});
  const std::string config = w.write_config("c.cfg", endless.with_output(run));
  cnn::Rng rng(77);
  int verified = 0;
  for (int round = 0; round < 25; ++round) {
    const int delay_ms = 150 + static_cast<int>(rng.uniform_int(250));
    // The first run starts from the config; every later one continues the run (a new run would
    // go to a numbered sibling folder, since `run` holds one).
    const std::string source = fs::exists(run + "/model.bin") ? "--resume " + run + "/model.bin" : "--config " + config;
    const auto r = w.cnn("-q train " + source + " --threads 1 & pid=$!; sleep " + std::to_string(delay_ms / 1000.0) +
                         "; kill -KILL $pid; wait $pid");
    INFO("round " << round << ": " << r.err);
    REQUIRE(r.exit_code == 137);  // killed, as intended
    if (!fs::exists(run + "/model.bin")) continue;
    // The newest complete checkpoint loads, verifies and resumes.
    const cnn::LoadedModel model = cnn::load_model(run + "/model.bin");
    REQUIRE(model.has_training_state());
    ++verified;
  }
  CHECK(verified >= 20);
  int leftovers = 0;
  for (const auto& e : fs::directory_iterator(run)) leftovers += e.path().filename().string().rfind(".model.bin.tmp-", 0) == 0;
  INFO("temporary files left by the kills: " << leftovers);
  // A normal run cleans them up: the resumed run, shortened to end with the epoch it is in.
  const cnn::LoadedModel last = cnn::load_model(run + "/model.bin");
  const cnn::TrainingProgress progress = cnn::read_training_progress(last, run + "/model.bin");
  const auto clean = w.resume(run + "/model.bin", "-q --epochs " + std::to_string(progress.epoch + 1) + " --threads 1");
  CHECK(clean.exit_code == 0);
  for (const auto& e : fs::directory_iterator(run)) CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
}
