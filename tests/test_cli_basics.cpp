// End-to-end tests of the command skeleton: help, version, usage errors.
#include <catch2/catch.hpp>

#include "cli_runner.hpp"

using cnn::test::run_cnn;

TEST_CASE("cnn --help lists the three commands", "[cli]") {
  const auto r = run_cnn("--help");
  CHECK(r.exit_code == 0);
  for (const char* word : {"train", "eval", "predict", "--version"}) CHECK(r.out.find(word) != std::string::npos);
}

TEST_CASE("each command's --help describes its real options", "[cli]") {
  const auto train = run_cnn("train --help");
  CHECK(train.exit_code == 0);
  for (const char* opt : {"--config", "--epochs", "--batch-size", "--lr", "--seed", "--threads", "--data", "--out",
                          "--resume", "--init"})
    CHECK(train.out.find(opt) != std::string::npos);
  const auto eval = run_cnn("eval --help");
  CHECK(eval.exit_code == 0);
  for (const char* opt : {"--weights", "--data", "--format"}) CHECK(eval.out.find(opt) != std::string::npos);
  const auto predict = run_cnn("predict --help");
  CHECK(predict.exit_code == 0);
  for (const char* opt : {"--weights", "--top-k", "--format", "--raw", "--save-prepared"})
    CHECK(predict.out.find(opt) != std::string::npos);
}

TEST_CASE("cnn --version prints the version", "[cli]") {
  const auto r = run_cnn("--version");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("cnn ") != std::string::npos);
}

TEST_CASE("an unknown flag or missing command exits with the usage code", "[cli]") {
  const auto unknown = run_cnn("train --no-such-flag");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("--no-such-flag") != std::string::npos);
  const auto none = run_cnn("");
  CHECK(none.exit_code == 2);
  const auto bad_command = run_cnn("fly");
  CHECK(bad_command.exit_code == 2);
  const auto bad_value = run_cnn("eval --weights x.bin --format xml");
  CHECK(bad_value.exit_code == 2);
  CHECK(bad_value.err.find("format") != std::string::npos);
}
