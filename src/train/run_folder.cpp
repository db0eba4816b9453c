// Run folder layout and claiming; see run_folder.hpp.
#include "train/run_folder.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "core/error.hpp"
#include "io/atomic_file.hpp"

namespace cnn {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxSiblings = 10000;

// "runs/lenet5/" and "runs/lenet5" name the same folder; siblings are numbered from the latter.
std::string without_trailing_slashes(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

}  // namespace

std::string checkpoint_path(const std::string& run_dir) { return run_dir + "/model.bin"; }
std::string best_path(const std::string& run_dir) { return run_dir + "/best.bin"; }
std::string metrics_path(const std::string& run_dir) { return run_dir + "/metrics.csv"; }
std::string steps_path(const std::string& run_dir) { return run_dir + "/steps.csv"; }

bool holds_run(const std::string& dir) {
  std::error_code ec;
  for (const std::string& file : {checkpoint_path(dir), best_path(dir), metrics_path(dir), steps_path(dir)})
    if (fs::exists(file, ec)) return true;
  return false;
}

std::string claim_run_folder(const std::string& wanted_dir, bool overwrite) {
  const std::string wanted = without_trailing_slashes(wanted_dir);
  if (!holds_run(wanted)) {
    ensure_writable_folder(wanted);
    return wanted;
  }
  if (overwrite) {
    ensure_writable_folder(wanted);
    std::error_code ec;
    for (const std::string& file : {checkpoint_path(wanted), best_path(wanted), metrics_path(wanted), steps_path(wanted)}) {
      fs::remove(file, ec);
      CNN_CHECK_CODE(!ec, ExitCode::kIo, "{}: cannot remove the old run's file: {}", file, ec.message());
    }
    spdlog::warn("{} held another run; its model.bin, best.bin and metrics.csv are removed (--overwrite)", wanted);
    return wanted;
  }
  for (int n = 2; n <= kMaxSiblings; ++n) {
    const std::string sibling = wanted + "-" + std::to_string(n);
    std::error_code ec;
    if (fs::create_directories(sibling, ec)) {
      ensure_writable_folder(sibling);
      spdlog::info("{} holds another run, kept as it is; this run goes to {} (--resume {} continues the old one, "
                   "--overwrite replaces it)", wanted, sibling, checkpoint_path(wanted));
      return sibling;
    }
    CNN_CHECK_CODE(!ec || fs::exists(sibling), ExitCode::kIo, "{}: cannot create the output folder: {}", sibling,
                   ec.message());
  }
  CNN_FAIL(ExitCode::kIo, "{}: holds another run and so do {}-2 to {}-{}; choose another --out", wanted, wanted, wanted,
           kMaxSiblings);
}

}  // namespace cnn
