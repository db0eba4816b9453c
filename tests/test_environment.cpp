// The tests' controlled environment; see test_environment.hpp.
#include "test_environment.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

extern char** environ;

namespace cnn::test {

namespace fs = std::filesystem;

namespace {

// Set in the relaunched test binary, so that it never relaunches again (and removed there).
constexpr const char* kRelaunchedMarker = "CNN_TEST_ENVIRONMENT_RELAUNCHED";

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Variables OpenBLAS reads while it loads: a change to one needs a relaunch to take effect.
bool read_by_openblas(const std::string& name) {
  return starts_with(name, "OPENBLAS_") || starts_with(name, "GOTO_") || name == "OMP_NUM_THREADS";
}

bool to_remove(const std::string& name) {
  if (name == "OPENBLAS_NUM_THREADS" || name == kRelaunchedMarker) return false;
  if (read_by_openblas(name)) return true;
  if (starts_with(name, "CNN_")) {
    const auto& kept = kept_harness_variables();
    return std::find(kept.begin(), kept.end(), name) == kept.end();
  }
  return starts_with(name, "OMPI_COMM_WORLD_") || starts_with(name, "PMI_") || starts_with(name, "PMIX_") ||
         name == "COLUMNS" || name == "LINES" || name == "XDG_STATE_HOME";
}

std::vector<std::string> variables_to_remove() {
  std::vector<std::string> names;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const char* eq = std::strchr(*entry, '=');
    if (eq == nullptr) continue;
    std::string name(*entry, static_cast<std::size_t>(eq - *entry));
    if (to_remove(name)) names.push_back(std::move(name));
  }
  return names;
}

// The HOME of this run of the tests: one folder per process (the relaunch keeps the pid).
std::string& test_home() {
  static std::string path;
  return path;
}

void remove_test_home() {
  std::error_code ec;
  if (!test_home().empty()) fs::remove_all(test_home(), ec);
}

}  // namespace

const std::vector<std::string>& kept_harness_variables() {
  static const std::vector<std::string> kept = {"CNN_TEST_MNIST_DIR", "CNN_REQUIRE_BROWSER", "CNN_REQUIRE_MPI_TWO_HOSTS",
                                                "CNN_ARTIFACT_DIR"};
  return kept;
}

void control_test_environment(char** argv) {
  bool relaunch = false;
  for (const std::string& name : variables_to_remove()) {
    relaunch = relaunch || read_by_openblas(name);
    unsetenv(name.c_str());
  }
  const char* threads = std::getenv("OPENBLAS_NUM_THREADS");
  if (threads == nullptr || std::strcmp(threads, "1") != 0) {
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    relaunch = true;
  }
  setenv("LC_ALL", "C", 1);
  test_home() = (fs::temp_directory_path() / ("cnn-test-home-" + std::to_string(::getpid()))).string();
  std::error_code ec;
  fs::create_directories(test_home(), ec);
  setenv("HOME", test_home().c_str(), 1);

  if (relaunch && std::getenv(kRelaunchedMarker) == nullptr && setenv(kRelaunchedMarker, "1", 1) == 0) {
    execv("/proc/self/exe", argv);
    // No /proc: run on; only the in-process OpenBLAS keeps the kernels it chose.
  }
  unsetenv(kRelaunchedMarker);
  std::atexit(remove_test_home);
}

}  // namespace cnn::test
