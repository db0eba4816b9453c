// expect_error_on_fifo: like expect_error, for a reader handed a FIFO. Opening a FIFO for reading
// blocks until a writer appears, so a reader that forgets to check the file type would hang the
// test binary; here the call runs on its own thread, and if it has not returned after `patience`
// a writer opens and closes the FIFO (the reader then sees end of file) and the test fails.
#pragma once

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <exception>
#include <future>
#include <string>

#include "expect_error.hpp"

namespace cnn::test {

template <typename Call>
void expect_error_on_fifo(const std::string& fifo, Call&& call, ExitCode code, const std::string& needle,
                          std::chrono::seconds patience = std::chrono::seconds(10)) {
  std::exception_ptr error;
  auto done = std::async(std::launch::async, [&] {
    try {
      call();
    } catch (...) {
      error = std::current_exception();
    }
  });
  if (done.wait_for(patience) == std::future_status::timeout) {
    const int fd = ::open(fifo.c_str(), O_WRONLY);  // the reader is waiting, so this returns at once
    if (fd >= 0) ::close(fd);
    done.wait();
    FAIL("blocked on the FIFO " << fifo << " for " << patience.count() << " s instead of refusing it");
  }
  expect_error([&] { if (error) std::rethrow_exception(error); }, code, needle);
}

}  // namespace cnn::test
