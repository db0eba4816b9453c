// Latest-model pointer implementation.
#include "cli/latest_model.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "io/atomic_file.hpp"

namespace cnn {
namespace {

namespace fs = std::filesystem;

fs::path pointer_path() {
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state) return fs::path(state) / "cnn" / "latest-model";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".local" / "state" / "cnn" / "latest-model";
  return {};
}

}  // namespace

void remember_latest_model(const std::string& model_path) {
  const fs::path pointer = pointer_path();
  if (pointer.empty()) return;
  std::error_code ec;
  fs::create_directories(pointer.parent_path(), ec);
  if (ec) return;  // remembering is a convenience: never fail a finished training for it
  try {
    write_file_atomically(pointer.string(), fs::absolute(model_path).string() + "\n");
  } catch (const Error&) {
  }
}

std::string latest_model() {
  const fs::path pointer = pointer_path();
  std::ifstream in(pointer);
  std::string path;
  if (in) std::getline(in, path);
  CNN_CHECK_CODE(!path.empty(), ExitCode::kUsage,
                 "no --weights given and no trained model remembered ({}); run cnn train first or pass --weights FILE",
                 pointer.string());
  return path;
}

}  // namespace cnn
