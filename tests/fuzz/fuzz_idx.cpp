// libFuzzer target: the IDX reader (raw and gzip) on arbitrary bytes. Any cnn::Error is an
// accepted outcome; a crash, leak, hang or sanitizer report is a bug.
//
// No custom mutator: the only checksum, gzip's CRC-32, is checked by zlib at the end of the stream,
// after the IDX header and data have been read, and the reader also takes raw (uncompressed) IDX,
// so plain byte mutation reaches every check.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "io/idx.hpp"

namespace {

// The reader opens paths (and refuses anything but a regular file), so each input goes into an in-memory file (memfd) read
// through its /proc/self/fd path: nothing is written to disk, and nothing is left behind, even
// when the fuzzer stops on a crash.
int memory_file() {
  const int fd = ::memfd_create("cnn-fuzz-idx", MFD_CLOEXEC);
  if (fd < 0) {
    std::perror("fuzz_idx: memfd_create");
    std::abort();
  }
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const int fd = memory_file();
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (::ftruncate(fd, 0) != 0) std::abort();
  for (std::size_t done = 0; done < size;) {
    const ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) std::abort();
    done += static_cast<std::size_t>(n);
  }
  try {
    cnn::read_idx_images(path);
  } catch (const cnn::Error&) {
  }
  try {
    cnn::read_idx_labels(path);
  } catch (const cnn::Error&) {
  }
  return 0;
}
