// Implementation of the IDX test writers.
#include "idx_writer.hpp"

#include <zlib.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/rng.hpp"

namespace cnn::test {
namespace {

void put_u32_be(std::string& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

SyntheticSet make_synthetic(int count, std::uint64_t seed) {
  Rng rng(seed);
  SyntheticSet set;
  set.pixels.assign(static_cast<std::size_t>(count) * 784, 0);
  set.labels.resize(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const int label = static_cast<int>(rng.uniform_int(10));
    set.labels[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(label);
    std::uint8_t* img = set.pixels.data() + static_cast<std::size_t>(i) * 784;
    for (int p = 0; p < 784; ++p) img[p] = static_cast<std::uint8_t>(rng.uniform_int(40));
    // Class c: a 7x7 square on a 4x3 grid of places, jittered by a pixel.
    const int top = 2 + (label / 4) * 9 + static_cast<int>(rng.uniform_int(3)) - 1;
    const int left = 1 + (label % 4) * 7 + static_cast<int>(rng.uniform_int(2));
    for (int y = top; y < top + 7; ++y)
      for (int x = left; x < left + 6; ++x)
        if (y >= 0 && y < 28 && x >= 0 && x < 28) img[y * 28 + x] = static_cast<std::uint8_t>(200 + rng.uniform_int(56));
  }
  return set;
}

std::string idx_images_bytes(const std::vector<std::uint8_t>& pixels, int count, int rows, int cols) {
  std::string out("\x00\x00\x08\x03", 4);
  put_u32_be(out, static_cast<std::uint32_t>(count));
  put_u32_be(out, static_cast<std::uint32_t>(rows));
  put_u32_be(out, static_cast<std::uint32_t>(cols));
  out.append(reinterpret_cast<const char*>(pixels.data()), pixels.size());
  return out;
}

std::string idx_labels_bytes(const std::vector<std::uint8_t>& labels) {
  std::string out("\x00\x00\x08\x01", 4);
  put_u32_be(out, static_cast<std::uint32_t>(labels.size()));
  out.append(reinterpret_cast<const char*>(labels.data()), labels.size());
  return out;
}

std::string gzip_bytes(const std::string& raw) {
  z_stream zs{};
  if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflateInit2");
  std::string out(deflateBound(&zs, raw.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_synthetic_mnist(const std::string& dir, int train_count, int test_count, bool gzip, std::uint64_t train_seed,
                           std::uint64_t test_seed) {
  const std::string ext = gzip ? ".gz" : "";
  auto put = [&](const std::string& name, const std::string& raw) { write_bytes(dir + "/" + name + ext, gzip ? gzip_bytes(raw) : raw); };
  const SyntheticSet train = make_synthetic(train_count, train_seed);
  const SyntheticSet test = make_synthetic(test_count, test_seed);
  put("train-images-idx3-ubyte", idx_images_bytes(train.pixels, train_count, 28, 28));
  put("train-labels-idx1-ubyte", idx_labels_bytes(train.labels));
  put("t10k-images-idx3-ubyte", idx_images_bytes(test.pixels, test_count, 28, 28));
  put("t10k-labels-idx1-ubyte", idx_labels_bytes(test.labels));
}

}  // namespace cnn::test
