// The cnn executable: CLI11 wiring only. Parses the command line, runs one command and maps
// errors to the exit codes of core/exit_code.hpp (documented in README.md).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "cli/augment_preview.hpp"
#include "cli/eval.hpp"
#include "cli/predict.hpp"
#include "cli/train.hpp"
#include "core/error.hpp"
#include "core/float_mode.hpp"
#include "ops/blas.hpp"

namespace {

void setup_logging(bool verbose, bool quiet) {
  auto logger = spdlog::stderr_color_mt("cnn");
  logger->set_pattern("%^[%l]%$ %v");
  logger->set_level(quiet ? spdlog::level::warn : verbose ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace

int main(int argc, char** argv) {
  using cnn::ExitCode;
  // Denormal floats take a slow path on many x86 cores (about 25x for a model with denormal
  // weights): flush them to zero on this thread; the worker threads do the same (core/float_mode.hpp).
  cnn::enable_flush_to_zero();
  // cnn's parallelism is its own (net/replica_set.hpp); OpenBLAS runs single-threaded unless a
  // command asks otherwise, and its idle workers must not spin on a core meanwhile (ops/blas.cpp).
  cnn::set_blas_threads(1);
  CLI::App app{"cnn: train, evaluate and run small convolutional networks (LeNet-5 on MNIST and friends)",
               "cnn"};
  app.set_version_flag("--version", std::string("cnn ") + CNN_VERSION);
  app.require_subcommand(1);
  bool verbose = false;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbose, "Log debug details");
  app.add_flag("-q,--quiet", quiet, "Log only warnings and errors");

  cnn::TrainOptions train_options;
  cnn::EvalOptions eval_options;
  cnn::PredictOptions predict_options;
  cnn::AugmentPreviewOptions preview_options;
  CLI::App* train = cnn::add_train_command(app, train_options);
  CLI::App* eval = cnn::add_eval_command(app, eval_options);
  CLI::App* predict = cnn::add_predict_command(app, predict_options);
  CLI::App* preview = cnn::add_augment_preview_command(app, preview_options);
  // The logging flags also go after the command (`cnn train -q ...`), bound to the same variables.
  for (CLI::App* command : {train, eval, predict, preview}) {
    command->add_flag("-v,--verbose", verbose, "Log debug details");
    command->add_flag("-q,--quiet", quiet, "Log only warnings and errors");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and a hint to use --help
    return cnn::to_int(ExitCode::kUsage);
  }

  setup_logging(verbose, quiet);
  try {
    if (*train) return cnn::run_train(train_options);
    if (*eval) return cnn::run_eval(eval_options);
    if (*predict) return cnn::run_predict(predict_options);
    if (*preview) return cnn::run_augment_preview(preview_options);
  } catch (const cnn::Error& e) {
    spdlog::error("{}", e.what());
    return cnn::to_int(e.code());
  } catch (const std::bad_alloc&) {
    spdlog::error("out of memory");
    return cnn::to_int(ExitCode::kInternal);
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return cnn::to_int(ExitCode::kInternal);
  }
  return cnn::to_int(ExitCode::kUsage);
}
