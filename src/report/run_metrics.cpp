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

namespace {

// The frame both logs share: the header line, then one row per non-empty line with `fields`
// comma-separated fields, each row parsed by `parse` (which names the file and line on a bad
// field) and keyed by `key_of`; a key that comes again keeps its last row. Rows in key order.
template <class Row, class Parse, class KeyOf>
std::vector<Row> parse_log(const std::string& text, const std::string& name, const char* header, const char* kind,
                           std::size_t fields, Parse parse, KeyOf key_of) {
  std::istringstream in(text);
  std::string line;
  CNN_CHECK_CODE(std::getline(in, line), ExitCode::kData, "{}: empty {} file", name, kind);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  CNN_CHECK_CODE(line == header, ExitCode::kData, "{}:1: expected the header '{}'", name, header);
  std::map<std::int64_t, Row> by_key;
  for (int number_of_line = 2; std::getline(in, line); ++number_of_line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::vector<std::string> f = split_fields(line);
    CNN_CHECK_CODE(f.size() == fields, ExitCode::kData, "{}:{}: expected {} fields, found {}", name, number_of_line, fields,
                   f.size());
    const Row row = parse(f, number_of_line);
    by_key[key_of(row)] = row;
  }
  std::vector<Row> rows;
  for (const auto& [key, row] : by_key) rows.push_back(row);
  return rows;
}

}  // namespace

std::vector<EpochMetrics> parse_run_metrics(const std::string& text, const std::string& name) {
  const auto parse = [&](const std::vector<std::string>& f, int line) {
    EpochMetrics m;
    m.epoch = static_cast<int>(count(f[0], name, line, "epoch", 1e6));
    m.train_loss = number(f[1], name, line, "train_loss");
    m.train_accuracy = number(f[2], name, line, "train_accuracy");
    m.validation_loss = optional_number(f[3], name, line, "validation_loss");
    m.validation_accuracy = optional_number(f[4], name, line, "validation_accuracy");
    m.lr = number(f[5], name, line, "lr");
    m.seconds = number(f[6], name, line, "seconds");
    return m;
  };
  return parse_log<EpochMetrics>(text, name, kHeader, "metrics", 7, parse, [](const EpochMetrics& m) { return m.epoch; });
}

std::vector<EpochMetrics> read_run_metrics(const std::string& path) { return parse_run_metrics(read_log(path), path); }

std::vector<StepMetrics> parse_run_steps(const std::string& text, const std::string& name) {
  const auto parse = [&](const std::vector<std::string>& f, int line) {
    StepMetrics m;
    m.step = count(f[0], name, line, "step", 1e15);
    m.epoch = static_cast<int>(count(f[1], name, line, "epoch", 1e6));
    m.loss = number(f[2], name, line, "loss");
    m.accuracy = number(f[3], name, line, "accuracy");
    m.lr = number(f[4], name, line, "lr");
    m.images_per_second = number(f[5], name, line, "images_per_second");
    return m;
  };
  return parse_log<StepMetrics>(text, name, kStepsHeader, "steps", 6, parse, [](const StepMetrics& m) { return m.step; });
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
