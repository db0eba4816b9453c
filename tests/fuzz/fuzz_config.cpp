// libFuzzer target: the YAML config reader, then building the network it describes.
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "io/config.hpp"
#include "net/builder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const cnn::RunConfig config = cnn::parse_config(std::string(reinterpret_cast<const char*>(data), size), "fuzz.cfg");
    // Building allocates the weights: only for architectures of sane size.
    if (config.model.input.numel() <= 4096 * 4) cnn::build_net(config.model);
  } catch (const cnn::Error&) {
  } catch (const std::bad_alloc&) {
  }
  return 0;
}
