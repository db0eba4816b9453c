// libFuzzer target: the model-file reader, with every check load_model makes (architecture,
// shapes, finite weights), on bytes in memory.
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "train/checkpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    cnn::load_model_from_bytes(std::string(reinterpret_cast<const char*>(data), size), "fuzz.bin");
  } catch (const cnn::Error&) {
  }
  return 0;
}
