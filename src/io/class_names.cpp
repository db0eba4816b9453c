// Class-name files; rules in class_names.hpp.
#include "io/class_names.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/error.hpp"
#include "io/data_description.hpp"

namespace cnn {

namespace {
constexpr std::uintmax_t kMaxClassNamesBytes = std::uintmax_t{1} << 20;
}  // namespace

std::vector<std::string> parse_class_names(const std::string& text, const std::string& name) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  CNN_CHECK_CODE(!lines.empty(), ExitCode::kData, "{}: no class names (one per line expected)", name);
  CNN_CHECK_CODE(lines.size() <= static_cast<std::size_t>(kMaxClasses), ExitCode::kData, "{}: more than {} class names", name,
                 kMaxClasses);
  for (std::size_t i = 0; i < lines.size(); ++i) check_class_name(lines[i], fmt::format("{}:{}", name, i + 1), ExitCode::kData);
  return lines;
}

std::vector<std::string> read_class_names_file(const std::string& path) {
  std::error_code ec;
  CNN_CHECK_CODE(std::filesystem::is_regular_file(path, ec), ExitCode::kData, "{}: class-name file not found or not a regular file",
                 path);
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  CNN_CHECK_CODE(!ec && size <= kMaxClassNamesBytes, ExitCode::kData, "{}: a class-name file larger than 1 MiB", path);
  std::ifstream in(path, std::ios::binary);
  CNN_CHECK_CODE(in.good(), ExitCode::kData, "{}: cannot open the class-name file", path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_class_names(text, path);
}

}  // namespace cnn
