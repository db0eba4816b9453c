// Implementation of the end-to-end test helpers.
#include "cli_runner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "train/checkpoint.hpp"

namespace cnn::test {

namespace fs = std::filesystem;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::map<std::string, std::vector<float>> model_tensors(const std::string& path) {
  const LoadedModel model = load_model(path);
  std::map<std::string, std::vector<float>> out;
  for (const auto& [name, t] : model.contents.tensors) out[name] = std::vector<float>(t.data(), t.data() + t.size());
  return out;
}

RunResult run_shell(const std::string& command) {
  ScratchDir capture("capture");
  const std::string out_path = capture.file("stdout");
  const std::string err_path = capture.file("stderr");
  const std::string full = "( " + command + " ) >'" + out_path + "' 2>'" + err_path + "'";
  const int status = std::system(full.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_text(out_path);
  r.err = read_text(err_path);
  return r;
}

RunResult run_cnn(const std::string& args, const std::string& cwd) {
  std::string command = "OPENBLAS_NUM_THREADS=1 '" + std::string(CNN_EXE) + "' " + args;
  if (!cwd.empty()) command = "cd '" + cwd + "' && " + command;
  return run_shell(command);
}

ScratchDir::ScratchDir(const std::string& tag) {
  static int counter = 0;
  const fs::path base = fs::temp_directory_path();
  for (;;) {
    fs::path candidate = base / ("cnn-test-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    if (fs::create_directory(candidate)) {
      path_ = candidate.string();
      return;
    }
  }
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace cnn::test
