// libFuzzer target: the YAML config reader, then building the network it describes.
// No custom mutator: a config is plain text with no checksum or length field to keep consistent.
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "config/config.hpp"
#include "net/builder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const cnn::RunConfig config = cnn::parse_config(std::string(reinterpret_cast<const char*>(data), size), "fuzz.cfg");
    // Building allocates the weights; the layers refuse absurd sizes before allocating.
    cnn::build_net(config.model);
  } catch (const cnn::Error&) {
  }
  return 0;
}
