// expect_error: runs a callable that must throw cnn::Error with the given exit code and a message
// containing `needle`; a Catch2 failure otherwise. Shared by the bad-input tests.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "core/error.hpp"

namespace cnn::test {

template <typename Call>
void expect_error(Call&& call, ExitCode code, const std::string& needle) {
  try {
    call();
    FAIL("accepted, expected an error containing: " << needle);
  } catch (const Error& e) {
    INFO(e.what());
    CHECK(e.code() == code);
    CHECK(std::string(e.what()).find(needle) != std::string::npos);
  }
}

}  // namespace cnn::test
