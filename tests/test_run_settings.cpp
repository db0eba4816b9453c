// Tests of the recorded run settings (config/config.hpp settings_to_json / parse_settings): every
// optimizer and schedule round-trips exactly, floats included, and hostile settings in a model
// file are refused with a message naming the key.
#include <catch2/catch.hpp>
#include <cstring>

#include "core/error.hpp"
#include "expect_error.hpp"
#include "config/config.hpp"

using namespace cnn;
using nlohmann::json;

namespace {

RunConfig sample(OptimizerType optimizer, ScheduleType schedule) {
  RunConfig c;
  c.data.dir = "/data/mnist";
  c.data.validation = 1234;
  c.train.epochs = 17;
  c.train.batch_size = 48;
  c.train.optimizer.type = optimizer;
  c.train.optimizer.lr = 0.0123456789f;  // not a short decimal: the float must still come back exactly
  c.train.optimizer.momentum = 0.87f;
  c.train.optimizer.beta1 = 0.85f;
  c.train.optimizer.beta2 = 0.9995f;
  c.train.optimizer.eps = 1e-7f;
  c.train.optimizer.weight_decay = 5e-4f;
  c.train.schedule.type = schedule;
  c.train.schedule.step_epochs = 3;
  c.train.schedule.gamma = 0.3f;
  c.train.schedule.min_lr = 1e-5f;
  c.train.seed = 9007199254740993ULL;  // above 2^53: must not pass through a double
  c.train.threads = 3;
  c.output = "/runs/x";
  return c;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("run settings round-trip exactly for every optimizer and schedule", "[config][resume]") {
  for (OptimizerType opt : {OptimizerType::kSgd, OptimizerType::kMomentum, OptimizerType::kNesterov, OptimizerType::kAdam})
    for (ScheduleType sched : {ScheduleType::kConstant, ScheduleType::kStep, ScheduleType::kCosine}) {
      const RunConfig a = sample(opt, sched);
      const json recorded = settings_to_json(a);
      INFO(recorded.dump());
      // Through the bytes of a model file's header, as a checkpoint stores them.
      const RunConfig b = parse_settings(json::parse(recorded.dump()), "m.bin");
      CHECK(b.data.dir == a.data.dir);
      CHECK(b.data.validation == a.data.validation);
      CHECK(b.output == a.output);
      CHECK(b.train.epochs == a.train.epochs);
      CHECK(b.train.batch_size == a.train.batch_size);
      CHECK(b.train.seed == a.train.seed);
      CHECK(b.train.threads == a.train.threads);
      CHECK(b.train.optimizer.type == opt);
      CHECK(b.train.schedule.type == sched);
      CHECK(same_bits(b.train.optimizer.lr, a.train.optimizer.lr));
      CHECK(same_bits(b.train.optimizer.weight_decay, a.train.optimizer.weight_decay));
      if (opt == OptimizerType::kAdam) {
        CHECK(same_bits(b.train.optimizer.beta1, a.train.optimizer.beta1));
        CHECK(same_bits(b.train.optimizer.beta2, a.train.optimizer.beta2));
        CHECK(same_bits(b.train.optimizer.eps, a.train.optimizer.eps));
      }
      if (opt == OptimizerType::kMomentum || opt == OptimizerType::kNesterov)
        CHECK(same_bits(b.train.optimizer.momentum, a.train.optimizer.momentum));
      if (sched == ScheduleType::kStep) {
        CHECK(b.train.schedule.step_epochs == 3);
        CHECK(same_bits(b.train.schedule.gamma, a.train.schedule.gamma));
      }
      if (sched == ScheduleType::kCosine) CHECK(same_bits(b.train.schedule.min_lr, a.train.schedule.min_lr));
    }
  // Readable: the shortest decimal of each float.
  CHECK(settings_to_json(sample(OptimizerType::kAdam, ScheduleType::kConstant)).dump().find("\"beta1\":0.85") !=
        std::string::npos);
}

TEST_CASE("hostile recorded settings are refused with the key at fault", "[config][resume]") {
  const json good = settings_to_json(sample(OptimizerType::kAdam, ScheduleType::kCosine));
  auto expect_refused = [](const json& settings, const std::string& needle) {
    test::expect_error([&] { parse_settings(settings, "m.bin (recorded settings)"); }, ExitCode::kUsage, needle);
  };
  json j = good;
  j["train"]["epochs"] = -3;
  expect_refused(j, "train.epochs: -3 is out of range");
  j = good;
  j["train"]["batch_size"] = "many";
  expect_refused(j, "train.batch_size: expected an integer");
  j = good;
  j["train"]["shell"] = "rm -rf /";
  expect_refused(j, "train.shell: unknown key");
  j = good;
  j.erase("output");
  expect_refused(j, "output: missing required key");
  j = good;
  j["data"]["dir"] = json::array({1, 2});
  expect_refused(j, "data.dir: expected a non-empty string");
  j = good;
  j["train"]["optimizer"]["lr"] = 1e300;
  expect_refused(j, "train.optimizer.lr");
  j = good;
  j["train"]["threads"] = 1 << 20;
  expect_refused(j, "train.threads");
  test::expect_error([&] { parse_settings(json::array({1}), "m.bin"); }, ExitCode::kModel, "not an object");
}

TEST_CASE("train.augment round-trips exactly through the recorded settings, and is absent when off", "[config][resume][augment]") {
  RunConfig a = sample(OptimizerType::kAdam, ScheduleType::kCosine);
  CHECK(!settings_to_json(a)["train"].contains("augment"));  // runs without augmentation record what they always did
  AugmentConfig& aug = a.train.augment;
  aug.rotation = 12.345678f;
  aug.scale_min = 0.9f;
  aug.scale_max = 1.1f;
  aug.shear = 0.1f;
  aug.translate = 2.5f;
  aug.elastic_alpha = 34.0f;
  aug.elastic_sigma = 4.1f;
  aug.flip = true;
  aug.crop = 3;
  const RunConfig b = parse_settings(json::parse(settings_to_json(a).dump()), "m.bin");
  const AugmentConfig& r = b.train.augment;
  CHECK(same_bits(r.rotation, aug.rotation));
  CHECK(same_bits(r.scale_min, aug.scale_min));
  CHECK(same_bits(r.scale_max, aug.scale_max));
  CHECK(same_bits(r.shear, aug.shear));
  CHECK(same_bits(r.translate, aug.translate));
  CHECK(same_bits(r.elastic_alpha, aug.elastic_alpha));
  CHECK(same_bits(r.elastic_sigma, aug.elastic_sigma));
  CHECK(r.flip);
  CHECK(r.crop == 3);
  json hostile = settings_to_json(a);
  hostile["train"]["augment"]["rotation"] = 1000;
  test::expect_error([&] { parse_settings(hostile, "m.bin (recorded settings)"); }, ExitCode::kUsage,
                     "train.augment.rotation: 1000 is out of range");
}
