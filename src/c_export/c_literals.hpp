// C99 source text for values: float literals that read back as the same float, static arrays of
// them, string literals for any bytes, and the check that a name can be a C identifier. For the
// C export (c_export/c_export.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace cnn {

// "0.5f", "-3.0f", "1.17549435e-38f": nine significant digits, which C reads back as the same
// float (every float has a shortest such form of at most nine digits); a denormal as the zero of
// its sign, which it is to cnn (denormals flushed). `value` must be finite.
std::string c_float(float value);

// `static const float NAME[COUNT] = {...};`, eight values to a line.
std::string c_float_array(const std::string& name, const float* values, std::size_t count);

// `static const TYPE NAME[COUNT] = {...};` of integers (int8_t, int32_t...), sixteen to a line.
std::string c_int_array(const std::string& type, const std::string& name, const std::vector<long long>& values);

// Text for inside a /* */ comment: printable ASCII only, and never "*/".
std::string c_comment(const std::string& text);
// `text` as lines of a block comment (" * ..."), broken between words at about 96 columns.
std::string c_comment_lines(const std::string& text);

// A C string literal of any bytes: printable ASCII as is, `"` `\` `?` and every other byte as
// an octal escape (so a class name can never end the literal, start a trigraph or hold a newline).
std::string c_string(const std::string& bytes);

// Whether `name` can name C symbols: [A-Za-z_][A-Za-z0-9_]*, at most 31 characters (C99's
// guarantee for external names' significant characters), not a C99 keyword, not starting with
// an underscore (reserved in places).
bool is_c_identifier(const std::string& name);

}  // namespace cnn
