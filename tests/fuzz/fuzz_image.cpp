// libFuzzer target: image decoding and the MNIST-style preparation used by `cnn predict`.
//
// No custom mutator: stb_image skips PNG chunk CRCs and zlib's Adler-32 ("no CRC checking" in
// stb_image.h), and JPEG and BMP carry no checksum, so plain byte mutation reaches the decoders.
#include <cstdint>

#include "core/error.hpp"
#include "io/image_prep.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const cnn::GrayImage image = cnn::decode_gray_image(data, size, "fuzz.png");
    cnn::prepare_mnist_style(image, "fuzz.png");
  } catch (const cnn::Error&) {
  }
  return 0;
}
