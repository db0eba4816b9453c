// Resume and the run folder, end to end: `--resume FILE` alone continues an interrupted run in
// its own folder with its recorded settings and ends bit-identical to the uninterrupted run (two
// threads); overrides given with it apply with a warning or are refused; a new run never
// overwrites another run; checkpoints written before settings were recorded still load and resume.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "config/config.hpp"
#include "e2e_workspace.hpp"
#include "train/checkpoint.hpp"

using namespace cnn::test;
namespace fs = std::filesystem;

namespace {

// The tiny config for 10 epochs; its data folder does not exist: every run gets its data through
// --data, the override that the first version of resume lost.
struct ResumeWorkspace : E2eWorkspace {
  std::string config;
  explicit ResumeWorkspace(const std::string& schedule = "constant") : E2eWorkspace("resume", TinyData{700, 50}) {
    TinyConfig run = tiny_config().with_data("no-such-folder").with_epochs(10).with_schedule(schedule);
    config = write_config("run.cfg", run.with_output("default-run"));
    fs::create_directories(dir.file("runs"));
  }
};

std::set<std::string> entries_of(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

}  // namespace

TEST_CASE("an interrupted run resumed with only --resume ends bit-identical to the uninterrupted run", "[e2e][resume]") {
  ResumeWorkspace w;
  const std::string args = "train --config " + w.config + " --data " + w.data + " --epochs 60 --threads 2 --out ";
  const auto full = w.cnn("-q " + args + "runs/full", w.dir.path());
  INFO(full.err);
  REQUIRE(full.exit_code == 0);

  // Ctrl-C once the first epoch is on disk (a condition, not a delay: a slow machine only waits longer).
  const auto stopped = w.interrupt(args + "runs/exp3", "runs/exp3/metrics.csv");
  INFO(stopped.err);
  REQUIRE(stopped.exit_code == 130);
  CHECK(stopped.err.find("continue with --resume runs/exp3/model.bin") != std::string::npos);

  // From another working folder, with nothing but --resume: the recorded --data, --epochs,
  // --threads and --out hold, and no other folder is created or touched.
  auto before = entries_of(w.dir.path());
  before.erase("state");  // the latest-model note for predict
  const auto runs_before = entries_of(w.dir.file("runs"));
  const std::string full_bytes = read_bytes(w.dir.file("runs/full/model.bin"));
  fs::create_directories(w.dir.file("elsewhere"));
  const auto resumed = w.cnn("train --resume " + w.dir.file("runs/exp3/model.bin"), w.dir.file("elsewhere"));
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.err.find("epoch 60/60") != std::string::npos);
  CHECK(resumed.out.find("model: " + w.dir.file("runs/exp3/model.bin")) != std::string::npos);
  CHECK(entries_of(w.dir.file("elsewhere")).empty());
  auto after = entries_of(w.dir.path());
  after.erase("elsewhere");
  after.erase("state");  // the latest-model note for predict
  CHECK(after == before);
  CHECK(entries_of(w.dir.file("runs")) == runs_before);
  CHECK(read_bytes(w.dir.file("runs/full/model.bin")) == full_bytes);

  CHECK(model_tensors(w.dir.file("runs/exp3/model.bin")) == model_tensors(w.dir.file("runs/full/model.bin")));
  CHECK(model_tensors(w.dir.file("runs/exp3/best.bin")) == model_tensors(w.dir.file("runs/full/best.bin")));
  CHECK(metric_rows(w.dir.file("runs/exp3/metrics.csv")) == metric_rows(w.dir.file("runs/full/metrics.csv")));

  // The checkpoint records the effective settings with absolute paths.
  const cnn::LoadedModel saved = cnn::load_model(w.dir.file("runs/exp3/model.bin"));
  const cnn::RunConfig settings = cnn::parse_settings(saved.settings, "settings");
  CHECK(settings.data.dir == w.data);
  CHECK(settings.output == w.dir.file("runs/exp3"));
  CHECK(settings.train.epochs == 60);
  CHECK(settings.train.threads == 2);

  // A finished run resumed again has nothing to do and touches nothing.
  const std::string done = read_bytes(w.dir.file("runs/exp3/model.bin"));
  const auto again = w.cnn("train --resume runs/exp3/model.bin", w.dir.path());
  CHECK(again.exit_code == 0);
  CHECK(again.err.find("nothing to do") != std::string::npos);
  CHECK(read_bytes(w.dir.file("runs/exp3/model.bin")) == done);
}

TEST_CASE("overrides given with --resume apply with a warning or are refused", "[e2e][resume]") {
  ResumeWorkspace w("{type: cosine, min_lr: 0.0001}");
  const std::string base = "train --config " + w.config + " --data " + w.data + " --threads 1 --epochs 2 --out ";
  REQUIRE(w.cnn("-q " + base + "runs/a", w.dir.path()).exit_code == 0);
  const std::string model = "runs/a/model.bin";
  const std::string before = read_bytes(w.dir.file(model));

  expect_failure(w.cnn("train --resume " + model + " --seed 8", w.dir.path()), 2, "--seed cannot change");
  expect_failure(w.cnn("train --resume " + model + " --validation 10", w.dir.path()), 2, "--validation cannot change");
  expect_failure(w.cnn("train --resume " + model + " --out runs/b", w.dir.path()), 2, "--out cannot move a resumed run");
  expect_failure(w.cnn("train --resume " + model + " --epochs 1", w.dir.path()), 2, "already done 2 epochs");
  expect_failure(w.cnn("train --resume " + model + " --config " + w.config, w.dir.path()), 2,
                 "--config cannot be combined with --resume");
  expect_failure(w.cnn("train --resume " + model + " --overwrite", w.dir.path()), 2, "--overwrite cannot");
  CHECK(read_bytes(w.dir.file(model)) == before);  // refusals touch nothing
  CHECK(!fs::exists(w.dir.file("runs/b")));

  // Values equal to the recorded ones change nothing and say nothing.
  const auto same = w.cnn("train --resume " + model + " --seed 7 --threads 1 --out runs/a --validation 100", w.dir.path());
  CHECK(same.exit_code == 0);
  CHECK(same.err.find("[warning]") == std::string::npos);

  // Extending a cosine run says that the schedule is recomputed; other changes say they differ.
  const auto extended = w.cnn("train --resume " + model + " --epochs 3 --lr 0.001 --threads 2 --batch-size 16", w.dir.path());
  INFO(extended.err);
  CHECK(extended.exit_code == 0);
  CHECK(extended.err.find("cosine schedule is recomputed over 3 epochs") != std::string::npos);
  CHECK(extended.err.find("--lr 0.001: base learning rate") != std::string::npos);
  CHECK(extended.err.find("the run used 1 threads") != std::string::npos);
  CHECK(extended.err.find("batches of 16 instead of 32 from epoch 3 on") != std::string::npos);
  CHECK(extended.err.find("epoch 3/3") != std::string::npos);
  // What the extension applied is what the checkpoint now records.
  const cnn::RunConfig now = cnn::parse_settings(cnn::load_model(w.dir.file(model)).settings, "settings");
  CHECK(now.train.epochs == 3);
  CHECK(now.train.batch_size == 16);
  CHECK(now.train.threads == 2);

  // The batch size cannot change in the middle of an epoch.
  {
    const cnn::LoadedModel saved = cnn::load_model(w.dir.file(model));
    cnn::TrainingProgress progress = cnn::read_training_progress(saved, model);
    progress.epoch = 2;
    progress.batch = 3;
    cnn::OptimizerConfig adam;
    cnn::Optimizer optimizer(adam, saved.net->params());
    cnn::restore_training(saved, optimizer, model);
    cnn::save_checkpoint(w.dir.file("runs/a/model.bin"), saved.spec, saved.config_text, *saved.net, &optimizer, &progress,
                         saved.settings);
  }
  expect_failure(w.cnn("train --resume " + model + " --epochs 4 --batch-size 64", w.dir.path()), 2,
                 "--batch-size cannot change in the middle of an epoch");
  expect_failure(w.cnn("train --resume " + model + " --epochs 2", w.dir.path()), 2, "already started 3 epochs");
}

TEST_CASE("a new run never overwrites another run's checkpoints", "[e2e][resume]") {
  ResumeWorkspace w;
  const std::string train = "train --config " + w.config + " --data " + w.data + " --threads 1 --epochs 1";
  REQUIRE(w.cnn("-q " + train, w.dir.path()).exit_code == 0);
  const std::string first = read_bytes(w.dir.file("default-run/model.bin"));
  const auto second = w.cnn(train + " --seed 9", w.dir.path());
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(second.err.find("default-run holds another run, kept as it is; this run goes to default-run-2") != std::string::npos);
  CHECK(second.out.find("model: default-run-2/model.bin") != std::string::npos);
  CHECK(read_bytes(w.dir.file("default-run/model.bin")) == first);
  REQUIRE(w.cnn("-q " + train + " --out default-run/", w.dir.path()).exit_code == 0);  // the same folder, spelt with a slash
  CHECK(fs::exists(w.dir.file("default-run-3/model.bin")));
  CHECK(read_bytes(w.dir.file("default-run/model.bin")) == first);

  // A folder without a run's files (empty, or made by the user) is used as it is.
  fs::create_directories(w.dir.file("mine"));
  write_text(w.dir.file("mine/notes.txt"), "keep me");
  REQUIRE(w.cnn("-q " + train + " --out mine", w.dir.path()).exit_code == 0);
  CHECK(fs::exists(w.dir.file("mine/model.bin")));
  CHECK(read_text(w.dir.file("mine/notes.txt")) == "keep me");

  // --overwrite replaces the run, and none of the old run's files survive to be mistaken for the new one's.
  REQUIRE(fs::exists(w.dir.file("default-run/best.bin")));
  const auto replaced = w.cnn(train + " --validation 0 --overwrite", w.dir.path());
  INFO(replaced.err);
  REQUIRE(replaced.exit_code == 0);
  CHECK(replaced.err.find("--overwrite") != std::string::npos);
  CHECK(read_bytes(w.dir.file("default-run/model.bin")) != first);
  CHECK(!fs::exists(w.dir.file("default-run/best.bin")));
  CHECK(!fs::exists(w.dir.file("default-run-4")));
}

TEST_CASE("checkpoints written before settings were recorded still evaluate, predict and resume", "[e2e][resume]") {
  // tests/fixtures/legacy-v1-checkpoint.bin: format version 1 as cnn wrote it at commit e897fb7
  // (config text only, no settings): a 2-filter conv net after one epoch of three, on 28x28 input.
  ResumeWorkspace w;
  const std::string fixture = std::string(CNN_SOURCE_DIR) + "/tests/fixtures/legacy-v1-checkpoint.bin";
  fs::create_directories(w.dir.file("old"));
  fs::copy_file(fixture, w.dir.file("old/model.bin"));
  const cnn::LoadedModel old = cnn::load_model(w.dir.file("old/model.bin"));
  CHECK(old.settings.is_null());
  CHECK(old.net->parameter_count() == 2 * 25 + 2 + 10 * 392 + 10);

  const auto eval = w.cnn("eval --weights old/model.bin --data " + w.data + " --format json", w.dir.path());
  INFO(eval.err);
  CHECK(eval.exit_code == 0);
  CHECK(eval.out.find("\"count\":50") != std::string::npos);

  const auto resumed = w.cnn("train --resume old/model.bin --data " + w.data + " --threads 1", w.dir.path());
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.err.find("written by an older cnn that did not record command-line overrides") != std::string::npos);
  CHECK(resumed.err.find("epoch 3/3") != std::string::npos);
  CHECK(resumed.out.find("model: old/model.bin") != std::string::npos);
  CHECK(!cnn::load_model(w.dir.file("old/model.bin")).settings.is_null());  // now it records them
}
