// Errors of cnn: one exception type carrying the exit code that main maps it to.
//
// Library code never prints and never exits: it throws cnn::Error through CNN_CHECK or
// CNN_FAIL with a message that names the file, line, key or index at fault.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

#include "core/exit_code.hpp"

namespace cnn {

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

}  // namespace cnn

// Throws cnn::Error(ExitCode::kUsage-like code, formatted message) when cond is false.
#define CNN_CHECK_CODE(cond, code, ...)                                 \
  do {                                                                  \
    if (!(cond)) throw ::cnn::Error((code), ::fmt::format(__VA_ARGS__)); \
  } while (0)

// Internal invariants and programming errors: exit code kInternal.
#define CNN_CHECK(cond, ...) CNN_CHECK_CODE(cond, ::cnn::ExitCode::kInternal, __VA_ARGS__)

#define CNN_FAIL(code, ...) throw ::cnn::Error((code), ::fmt::format(__VA_ARGS__))
