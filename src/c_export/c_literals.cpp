// C literals; see c_literals.hpp.
#include "c_export/c_literals.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/error.hpp"

namespace cnn {

std::string c_float(float value) {
  CNN_CHECK(std::isfinite(value), "a C literal of a value that is not finite");
  std::string text = fmt::format("{:.9g}", value);
  // Zero and the denormals, by their bits: cnn computes with denormals flushed to zero
  // (core/float_mode.hpp), so to its network a denormal weight is a zero of its sign, and the C
  // gets that zero (some formatters would also drop the sign of zero).
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  if ((bits & 0x7f800000u) == 0) text = (bits & 0x80000000u) != 0 ? "-0" : "0";
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text + "f";
}

std::string c_float_array(const std::string& name, const float* values, std::size_t count) {
  std::string s = fmt::format("static const float {}[{}] = {{", name, count);
  for (std::size_t i = 0; i < count; ++i) {
    s += i % 8 == 0 ? "\n    " : " ";
    s += c_float(values[i]);
    if (i + 1 < count) s += ",";
  }
  return s + "\n};\n";
}

std::string c_int_array(const std::string& type, const std::string& name, const std::vector<long long>& values) {
  std::string s = fmt::format("static const {} {}[{}] = {{", type, name, values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    s += i % 16 == 0 ? "\n    " : " ";
    // INT32_MIN has no literal of its own in C: -2147483647 - 1.
    s += values[i] == -2147483648LL ? std::string("-2147483647 - 1") : std::to_string(values[i]);
    if (i + 1 < values.size()) s += ",";
  }
  return s + "\n};\n";
}

std::string c_comment(const std::string& text) {
  std::string s;
  for (unsigned char c : text) s += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
  for (std::size_t at; (at = s.find("*/")) != std::string::npos;) s[at] = '?';
  return s;
}

std::string c_comment_lines(const std::string& text) {
  std::string out, line;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t space = text.find(' ', at);
    const std::string word = text.substr(at, space == std::string::npos ? std::string::npos : space - at);
    if (!line.empty() && line.size() + 1 + word.size() > 93) {
      out += " * " + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    at = space == std::string::npos ? text.size() : space + 1;
  }
  if (!line.empty()) out += " * " + line + "\n";
  return out;
}

std::string c_string(const std::string& bytes) {
  std::string s = "\"";
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '?') {
      s += static_cast<char>(c);
    } else {
      s += fmt::format("\\{:03o}", c);
    }
  }
  return s + "\"";
}

bool is_c_identifier(const std::string& name) {
  static constexpr std::array<const char*, 37> kKeywords = {
      "auto",     "break",  "case",     "char",   "const",    "continue", "default",  "do",         "double",
      "else",     "enum",   "extern",   "float",  "for",      "goto",     "if",       "inline",     "int",
      "long",     "register", "restrict", "return", "short",  "signed",   "sizeof",   "static",     "struct",
      "switch",   "typedef", "union",   "unsigned", "void",   "volatile", "while",    "_Bool",      "_Complex",
      "_Imaginary"};
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };  // ASCII, whatever the locale
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (name.empty() || name.size() > 31 || !letter(name[0])) return false;
  for (char c : name)
    if (!(letter(c) || digit(c) || c == '_')) return false;
  return std::none_of(kKeywords.begin(), kKeywords.end(), [&](const char* k) { return name == k; });
}

}  // namespace cnn
