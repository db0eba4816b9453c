// The cnn executable: CLI11 wiring only. Parses the command line, runs one command and maps
// errors to the exit codes of core/exit_code.hpp (documented in README.md). Built twice: as cnn,
// and with CNN_WITH_ONNX as cnn-onnx, to which cnn hands `export` and `import` (cli/onnx_helper.hpp).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "cli/augment_preview.hpp"
#include "cli/blas_relaunch.hpp"
#include "cli/eval.hpp"
#include "cli/export.hpp"
#include "cli/import.hpp"
#include "cli/onnx_helper.hpp"
#include "cli/report.hpp"
#include "cli/predict.hpp"
#include "cli/summary.hpp"
#include "cli/train.hpp"
#include "cli/version.hpp"
#include "core/cpu_info.hpp"
#include "core/error.hpp"
#include "core/float_mode.hpp"
#include "dist/make_communicator.hpp"
#include "ops/blas.hpp"

namespace {

// Under mpirun only rank 0 logs progress; the other ranks log warnings and errors, tagged.
void setup_logging(bool verbose, bool quiet, int rank) {
  auto logger = spdlog::stderr_color_mt("cnn");
  logger->set_pattern(rank == 0 ? "%^[%l]%$ %v" : fmt::format("%^[%l]%$ [rank {}] %v", rank));
  logger->set_level(quiet || rank != 0 ? spdlog::level::warn : verbose ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace

int main(int argc, char** argv) {
  using cnn::ExitCode;
  // OpenBLAS chose its kernels as it loaded, from the CPU's model number; where that choice is
  // older than the CPU's instruction set, start again with the right one (cli/blas_relaunch.hpp).
  cnn::relaunch_for_blas_core(argv);
  // Denormal floats take a slow path on many x86 cores (about 25x for a model with denormal
  // weights): flush them to zero on this thread; the worker threads do the same (core/float_mode.hpp).
  cnn::enable_flush_to_zero();
  // cnn's parallelism is its own (net/replica_set.hpp); OpenBLAS runs single-threaded unless a
  // command asks otherwise, and its idle workers must not spin on a core meanwhile (ops/blas.cpp).
  cnn::set_blas_threads(1);
  CLI::App app{"cnn: train, evaluate and run small convolutional networks (LeNet-5 on MNIST and friends)",
               "cnn"};
  if (cnn::asks_verbose_version(argc, argv)) {
    std::cout << cnn::verbose_version_text() << "\n";
    return 0;
  }
  app.set_version_flag("--version", cnn::version_text());
  app.require_subcommand(1);
  bool verbose = false;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbose, "Log debug details");
  app.add_flag("-q,--quiet", quiet, "Log only warnings and errors");
  std::string reduction = "ordered";
  app.add_option("--mpi-reduction", reduction,
                 "Under mpirun: how ranks add gradients: 'ordered' (allgather, rank order: the same bits as one "
                 "process of as many threads) or 'native' (MPI_Allreduce: less traffic with many ranks)")
      ->check(CLI::IsMember({"ordered", "native"}));

  cnn::TrainOptions train_options;
  cnn::EvalOptions eval_options;
  cnn::PredictOptions predict_options;
  cnn::SummaryOptions summary_options;
  cnn::ExportOptions export_options;
  cnn::ImportOptions import_options;
  cnn::ReportOptions report_options;
  cnn::AugmentPreviewOptions preview_options;
  CLI::App* train = cnn::add_train_command(app, train_options);
  CLI::App* eval = cnn::add_eval_command(app, eval_options);
  CLI::App* predict = cnn::add_predict_command(app, predict_options);
  CLI::App* summary = cnn::add_summary_command(app, summary_options);
  CLI::App* export_command = cnn::add_export_command(app, export_options);
  CLI::App* import_command = cnn::add_import_command(app, import_options);
  CLI::App* report = cnn::add_report_command(app, report_options);
  CLI::App* preview = cnn::add_augment_preview_command(app, preview_options);
  // The logging flags also go after the command (`cnn train -q ...`), bound to the same variables.
  for (CLI::App* command : {train, eval, predict, summary, export_command, import_command, report, preview}) {
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

#if !defined(CNN_WITH_ONNX)
  // ONNX lives in the cnn-onnx executable beside this one (cli/onnx_helper.hpp): hand over.
  if (*export_command || *import_command) {
    try {
      cnn::run_onnx_helper(argv);
    } catch (const cnn::Error& e) {
      setup_logging(verbose, quiet, 0);
      spdlog::error("{}", e.what());
      return cnn::to_int(e.code());
    }
  }
#endif

  std::unique_ptr<cnn::Communicator> comm;
  try {
    comm = cnn::make_communicator(&argc, &argv, reduction == "native" ? cnn::Reduction::kNative : cnn::Reduction::kOrdered);
  } catch (const cnn::Error& e) {
    setup_logging(verbose, quiet, 0);
    spdlog::error("{}", e.what());
    return cnn::to_int(e.code());
  }
  setup_logging(verbose, quiet, comm->rank());
  if (spdlog::should_log(spdlog::level::debug)) spdlog::debug("BLAS kernels: {}", cnn::blas_kernels_line(cnn::detect_cpu()));
  // A failure on one rank that the others cannot see (a file, memory, a bug) would leave them
  // waiting in their next collective: it ends the whole run (MPI_Abort) with its exit code. An
  // interruption or a divergence is decided by all ranks together, so each rank simply exits.
  const auto fail = [&](int code) {
    const bool collective = code == cnn::to_int(ExitCode::kInterrupted) || code == cnn::to_int(ExitCode::kDiverged);
    if (comm->size() > 1 && !collective) comm->abort(code);
    return code;
  };
  try {
    if (*train) return cnn::run_train(train_options, *comm);
    if (*eval) return cnn::run_eval(eval_options, *comm);
    // The other commands work on one process: under mpirun, rank 0 alone does them.
    if (comm->size() > 1 && comm->rank() != 0) return 0;
    if (*predict) return cnn::run_predict(predict_options);
    if (*summary) return cnn::run_summary(summary_options);
#if defined(CNN_WITH_ONNX)
    if (*export_command) return cnn::run_export(export_options);
    if (*import_command) return cnn::run_import(import_options);
#endif
    if (*report) return cnn::run_report(report_options);
    if (*preview) return cnn::run_augment_preview(preview_options);
  } catch (const cnn::Error& e) {
    spdlog::error("{}", e.what());
    return fail(cnn::to_int(e.code()));
  } catch (const std::bad_alloc&) {
    spdlog::error("out of memory");
    return fail(cnn::to_int(ExitCode::kInternal));
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return fail(cnn::to_int(ExitCode::kInternal));
  }
  return cnn::to_int(ExitCode::kUsage);
}
