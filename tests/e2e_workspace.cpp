// Implementation of the end-to-end tests' shared set-up.
#include "e2e_workspace.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <sstream>

#include "runtime/model_loader.hpp"

namespace cnn::test {

namespace fs = std::filesystem;

void TinyData::write(const std::string& dir) const {
  fs::create_directories(dir);
  write_synthetic_mnist(dir, train, test, gzip, train_seed, test_seed);
}

std::vector<std::string> TinyConfig::default_layers() {
  return {"conv: {filters: 4, kernel: 5, padding: same, activation: relu}", "pool: {type: max, size: 2}", "flatten",
          "dense: {units: 10}", "softmax"};
}

TinyConfig& TinyConfig::with_hidden_dense(int units) {
  auto last_dense = layers.end();
  for (auto it = layers.begin(); it != layers.end(); ++it)
    if (it->rfind("dense:", 0) == 0) last_dense = it;
  layers.insert(last_dense, "dense: {units: " + std::to_string(units) + ", activation: relu}");
  return *this;
}

std::string TinyConfig::yaml() const {
  std::string y = "data: {dir: '" + data_dir + "', validation: " + std::to_string(validation) +
                  (data_options.empty() ? "" : ", " + data_options) + "}\n";
  y += "model:\n  input: " + input + "\n  layers:\n";
  for (const std::string& layer : layers) y += "    - " + layer + "\n";
  y += "train:\n  epochs: " + std::to_string(epochs) + "\n";
  if (batch_size > 0) y += "  batch_size: " + std::to_string(batch_size) + "\n";
  if (!optimizer.empty()) y += "  optimizer: " + optimizer + "\n";
  if (!schedule.empty()) y += "  schedule: " + schedule + "\n";
  y += "  seed: " + std::to_string(seed) + "\n";
  if (!augment.empty()) y += "  augment: " + augment + "\n";
  if (!output.empty()) y += "output: '" + output + "'\n";
  return y;
}

E2eWorkspace::E2eWorkspace(const std::string& tag, const std::optional<TinyData>& tiny) : dir(tag) {
  if (tiny) tiny->write(data);
}

std::string E2eWorkspace::write_config(const std::string& name, const TinyConfig& config) const {
  const std::string path = dir.file(name);
  config.write(path);
  return path;
}

std::string E2eWorkspace::command(const std::string& args, const std::string& launcher, const std::string& cwd) const {
  return "cd '" + (cwd.empty() ? dir.path() : cwd) + "' || exit 99; " + env + launcher + "'" + CNN_EXE + "' " + args;
}

RunResult E2eWorkspace::run_train(const TinyConfig& config, int threads, const std::string& out, const std::string& flags) const {
  const std::string path = write_config(out + ".cfg", config);
  return cnn("train " + flags + (flags.empty() ? "" : " ") + "--config '" + path + "' --threads " + std::to_string(threads) +
             " --out '" + dir.file(out) + "'");
}

std::string E2eWorkspace::train(const TinyConfig& config, int threads, const std::string& out, const std::string& flags) const {
  const RunResult r = run_train(config, threads, out, flags);
  INFO("training " << out << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return dir.file(out + "/model.bin");
}

RunResult E2eWorkspace::resume(const std::string& model, const std::string& flags) const {
  return cnn("train --resume '" + model + "'" + (flags.empty() ? "" : " " + flags));
}

RunResult E2eWorkspace::eval(const std::string& model, const std::string& flags) const {
  return cnn("eval --weights '" + model + "' --data '" + data + "'" + (flags.empty() ? "" : " " + flags));
}

RunResult E2eWorkspace::check_resume_is_exact(const std::string& config) const {
  const RunResult whole = cnn("train -c '" + config + "' --threads 2 --out whole");
  expect_success(whole);
  const RunResult stopped = interrupt("train -q -c '" + config + "' --threads 2 --out part", file("part/metrics.csv"));
  INFO(stopped.err);
  REQUIRE(stopped.exit_code == 130);
  expect_success(resume(file("part/model.bin"), "-q"));
  CHECK(metric_rows(file("whole/metrics.csv")) == metric_rows(file("part/metrics.csv")));
  require_close_models(file("whole/model.bin"), file("part/model.bin"), 0.0, 0.0);
  return whole;
}

RunResult E2eWorkspace::interrupt(const std::string& args, const std::string& metrics, int rows, const std::string& signal,
                                  const std::string& launcher) const {
  const ScratchDir capture("interrupt");  // cnn's stderr, apart from the shell's; nothing left in the workspace
  const std::string log = capture.file("stderr");
  const std::string ready = rows <= 1 ? "[ -s '" + metrics + "' ]"
                                      : "[ \"$(cat '" + metrics + "' 2>/dev/null | wc -l)\" -ge " + std::to_string(rows) + " ]";
  return run_shell(command(args + " 2>'" + log + "' & pid=$!; for i in $(seq 12000); do " + ready +
                               " && break; kill -0 $pid 2>/dev/null || break; sleep 0.01; done; kill -" + signal +
                               " $pid 2>/dev/null; wait $pid; code=$?; cat '" + log + "' >&2; exit $code",
                           launcher));
}

void require_close_models(const std::string& a_path, const std::string& b_path, double rel, double abs) {
  const LoadedModel a = load_model(a_path), b = load_model(b_path);
  for (auto [x_list, y_list] : {std::make_pair(&a.net->params(), &b.net->params()), std::make_pair(&a.net->state(), &b.net->state())}) {
    REQUIRE(x_list->size() == y_list->size());
    for (std::size_t k = 0; k < x_list->size(); ++k) {
      const Tensor& x = *(*x_list)[k].value;
      const Tensor& y = *(*y_list)[k].value;
      REQUIRE(x.shape() == y.shape());
      for (std::size_t i = 0; i < x.size(); ++i) {
        const double scale = std::max(std::abs(static_cast<double>(x[i])), std::abs(static_cast<double>(y[i])));
        INFO((*x_list)[k].name << "[" << i << "]: " << x[i] << " vs " << y[i]);
        REQUIRE(std::abs(static_cast<double>(x[i]) - y[i]) <= rel * scale + abs);
      }
    }
  }
}

std::vector<std::string> metric_rows(const std::string& path) {
  std::vector<std::string> rows;
  std::istringstream in(read_text(path));
  for (std::string line; std::getline(in, line);) rows.push_back(line.substr(0, line.rfind(',')));
  return rows;
}

void expect_failure(const RunResult& r, int code, const std::string& needle) {
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == code);
  CHECK(r.err.find(needle) != std::string::npos);
}

void expect_success(const RunResult& r) {
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 0);
}

}  // namespace cnn::test
