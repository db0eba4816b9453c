// libFuzzer target: the IDX reader (raw and gzip) on arbitrary bytes. Any cnn::Error is an
// accepted outcome; a crash, leak, hang or sanitizer report is a bug.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "core/error.hpp"
#include "io/idx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The reader opens paths, so each input goes through a private temporary file.
  static const std::string path = "/tmp/cnn-fuzz-idx-" + std::to_string(::getpid());
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
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
