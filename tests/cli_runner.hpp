// Helpers for end-to-end tests: run the cnn executable, capture stdout, stderr and exit code,
// and give each test a fresh scratch folder.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace cnn::test {

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `cnn <args>` through the shell (args is shell syntax, quote as needed), with
// OPENBLAS_NUM_THREADS=1 and cwd set to `cwd` when non-empty.
RunResult run_cnn(const std::string& args, const std::string& cwd = "");

// Runs an arbitrary shell command the same way.
RunResult run_shell(const std::string& command);

// A new empty folder under the system temp folder, removed when the object dies.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Every tensor of a model file (weights and optimizer state) by name: two runs' checkpoints
// compare equal when their numbers are, whatever run folder their headers record.
std::map<std::string, std::vector<float>> model_tensors(const std::string& path);

std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);

}  // namespace cnn::test
