// metrics.csv reader. See run_metrics.hpp.
#include "report/run_metrics.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.hpp"

namespace cnn {

namespace {

constexpr const char* kHeader = "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,lr,seconds";
constexpr const char* kStepsHeader = "step,epoch,loss,accuracy,lr,images_per_second";
constexpr std::size_t kMaxBytes = 64u << 20;  // 100,000 epochs of lines fit in a few MiB

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

double number(const std::string& field, const std::string& name, int line, const char* column) {
  CNN_CHECK_CODE(!field.empty(), ExitCode::kData, "{}:{}: {} is empty", name, line, column);
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(field.c_str(), &end);
  CNN_CHECK_CODE(end == field.c_str() + field.size() && errno == 0 && std::isfinite(v), ExitCode::kData,
                 "{}:{}: {} '{}' is not a finite number", name, line, column, field.substr(0, 40));
  return v;
}

// A whole number from 1 to `most`.
std::int64_t count(const std::string& field, const std::string& name, int line, const char* column, double most) {
  const double v = number(field, name, line, column);
  CNN_CHECK_CODE(v >= 1 && v <= most && v == std::floor(v), ExitCode::kData, "{}:{}: {} '{}' is not a whole number from 1 to {}",
                 name, line, column, field.substr(0, 40), most);
  return static_cast<std::int64_t>(v);
}

// The file's text, at most kMaxBytes.
std::string read_log(const std::string& path) {
  std::error_code error;
  CNN_CHECK_CODE(std::filesystem::is_regular_file(path, error), ExitCode::kIo, "{}: not a regular file", path);
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  CNN_CHECK_CODE(!error && size <= kMaxBytes, ExitCode::kData, "{}: larger than {} MiB; not a run's log", path, kMaxBytes >> 20);
  std::ifstream in(path, std::ios::binary);
  CNN_CHECK_CODE(in.good(), ExitCode::kIo, "{}: cannot open it", path);
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

std::optional<double> optional_number(const std::string& field, const std::string& name, int line, const char* column) {
  if (field.empty()) return std::nullopt;
  return number(field, name, line, column);
}

}  // namespace

std::vector<EpochMetrics> parse_run_metrics(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  CNN_CHECK_CODE(std::getline(in, line), ExitCode::kData, "{}: empty metrics file", name);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  CNN_CHECK_CODE(line == kHeader, ExitCode::kData, "{}:1: expected the header '{}'", name, kHeader);
  std::map<int, EpochMetrics> by_epoch;
  for (int number_of_line = 2; std::getline(in, line); ++number_of_line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::vector<std::string> f = split_fields(line);
    CNN_CHECK_CODE(f.size() == 7, ExitCode::kData, "{}:{}: expected 7 fields, found {}", name, number_of_line, f.size());
    EpochMetrics m;
    m.epoch = static_cast<int>(count(f[0], name, number_of_line, "epoch", 1e6));
    m.train_loss = number(f[1], name, number_of_line, "train_loss");
    m.train_accuracy = number(f[2], name, number_of_line, "train_accuracy");
    m.validation_loss = optional_number(f[3], name, number_of_line, "validation_loss");
    m.validation_accuracy = optional_number(f[4], name, number_of_line, "validation_accuracy");
    m.lr = number(f[5], name, number_of_line, "lr");
    m.seconds = number(f[6], name, number_of_line, "seconds");
    by_epoch[m.epoch] = m;
  }
  std::vector<EpochMetrics> rows;
  for (const auto& [epoch, m] : by_epoch) rows.push_back(m);
  return rows;
}

std::vector<EpochMetrics> read_run_metrics(const std::string& path) { return parse_run_metrics(read_log(path), path); }

std::vector<StepMetrics> parse_run_steps(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  CNN_CHECK_CODE(std::getline(in, line), ExitCode::kData, "{}: empty steps file", name);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  CNN_CHECK_CODE(line == kStepsHeader, ExitCode::kData, "{}:1: expected the header '{}'", name, kStepsHeader);
  std::map<std::int64_t, StepMetrics> by_step;
  for (int number_of_line = 2; std::getline(in, line); ++number_of_line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::vector<std::string> f = split_fields(line);
    CNN_CHECK_CODE(f.size() == 6, ExitCode::kData, "{}:{}: expected 6 fields, found {}", name, number_of_line, f.size());
    StepMetrics m;
    m.step = count(f[0], name, number_of_line, "step", 1e15);
    m.epoch = static_cast<int>(count(f[1], name, number_of_line, "epoch", 1e6));
    m.loss = number(f[2], name, number_of_line, "loss");
    m.accuracy = number(f[3], name, number_of_line, "accuracy");
    m.lr = number(f[4], name, number_of_line, "lr");
    m.images_per_second = number(f[5], name, number_of_line, "images_per_second");
    by_step[m.step] = m;
  }
  std::vector<StepMetrics> rows;
  for (const auto& [step, m] : by_step) rows.push_back(m);
  return rows;
}

std::vector<StepMetrics> read_run_steps(const std::string& path) { return parse_run_steps(read_log(path), path); }

std::vector<double> smoothed(const std::vector<double>& values, double weight) {
  std::vector<double> out;
  out.reserve(values.size());
  double average = 0, bias = 1;
  for (const double v : values) {
    average = average * weight + (1 - weight) * v;
    bias *= weight;
    out.push_back(average / (1 - bias));
  }
  return out;
}

}  // namespace cnn
