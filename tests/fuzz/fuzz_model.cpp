// libFuzzer target: the model-file reader, with every check load_model makes (architecture,
// shapes, finite weights), on bytes in memory; for a checkpoint, also the training state that
// `cnn train --resume` restores (restore_training).
//
// Why a custom mutator: the reader verifies the file's CRC-32 (the last 4 bytes) before it trusts
// any field past the version, so a plain byte mutation is refused at the checksum all but once in
// 2^32 and fuzzing never reaches the JSON header, the architecture checks or the tensor records.
// LLVMFuzzerCustomMutator mutates with libFuzzer's own LLVMFuzzerMutate, then re-encodes what the
// mutation broke (layout in docs/model-format.md):
//   - 4 in 10: only the JSON header text is mutated, and the header length (u64 at byte 16) is
//     set to its new length: this explores architectures;
//   - 2 in 10: only the tensor part (count, records) is mutated, the header left as it was;
//   - 4 in 10: any byte of the file (magic, version, header length, truncation), lengths as mutated.
// Then the checksum is recomputed over every byte before it, except 1 time in 16, so that the
// mismatch path stays covered. A file too short or with a header length past its end is mutated
// as a whole.
#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "train/checkpoint.hpp"
#include "train/optimizer.hpp"

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace {

constexpr std::size_t kHeaderLengthAt = 16;  // u64 header length H
constexpr std::size_t kJsonAt = 24;          // H bytes of JSON follow the fixed header
constexpr std::size_t kChecksumBytes = 4;    // u32 CRC-32 of every byte before it, at the end

void put_le(std::uint8_t* out, std::uint64_t v, int width) {
  for (int i = 0; i < width; ++i) out[i] = static_cast<std::uint8_t>((v >> (8 * i)) & 0xff);
}

std::uint64_t get_le64(const std::uint8_t* in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= std::uint64_t{in[i]} << (8 * i);
  return v;
}

void repair_checksum(std::uint8_t* data, std::size_t size) {
  if (size < kChecksumBytes) return;
  const uLong crc = crc32(crc32(0L, Z_NULL, 0), data, static_cast<uInt>(size - kChecksumBytes));
  put_le(data + size - kChecksumBytes, crc, 4);
}

// Mutates bytes [begin, begin + length) of data[0, size) in place, shifting the bytes after them
// to the region's new length within max_size; returns the file's new size and the region's.
std::size_t mutate_region(std::uint8_t* data, std::size_t size, std::size_t max_size, std::size_t begin, std::size_t length,
                          std::size_t* new_length) {
  const std::vector<std::uint8_t> tail(data + begin + length, data + size);
  const std::size_t room = max_size - begin - tail.size();  // the most bytes the region may grow to
  *new_length = length;
  if (room == 0) return size;  // LLVMFuzzerMutate needs room for at least one byte
  std::vector<std::uint8_t> region(room);
  std::memcpy(region.data(), data + begin, length);
  *new_length = LLVMFuzzerMutate(region.data(), length, room);
  std::memcpy(data + begin, region.data(), *new_length);
  std::memcpy(data + begin + *new_length, tail.data(), tail.size());
  return begin + *new_length + tail.size();
}

}  // namespace

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  std::minstd_rand rng(seed);
  const unsigned choice = static_cast<unsigned>(rng() % 10);
  // The JSON header and the tensor part can be told apart only when the header length fits the file.
  const bool split = size <= max_size && size >= kJsonAt + kChecksumBytes &&
                     get_le64(data + kHeaderLengthAt) <= size - kJsonAt - kChecksumBytes;
  if (split && choice < 4) {
    const std::size_t json_bytes = static_cast<std::size_t>(get_le64(data + kHeaderLengthAt));
    std::size_t new_json_bytes = 0;
    size = mutate_region(data, size, max_size, kJsonAt, json_bytes, &new_json_bytes);
    put_le(data + kHeaderLengthAt, new_json_bytes, 8);
  } else if (split && choice < 6) {
    const std::size_t tensors_at = kJsonAt + static_cast<std::size_t>(get_le64(data + kHeaderLengthAt));
    std::size_t unused = 0;
    size = mutate_region(data, size, max_size, tensors_at, size - kChecksumBytes - tensors_at, &unused);
  } else {
    size = LLVMFuzzerMutate(data, size, max_size);
  }
  if (rng() % 16 != 0) repair_checksum(data, size);
  return size;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const cnn::LoadedModel model = cnn::load_model_from_bytes(std::string(reinterpret_cast<const char*>(data), size), "fuzz.bin");
    if (model.has_training_state()) {
      // The optimizer the file names (Adam when it names none it knows), as a resumed run's config would.
      cnn::OptimizerConfig config;
      const nlohmann::json& training = model.contents.header["training"];
      if (training.is_object() && training.contains("optimizer") && training["optimizer"].is_string())
        cnn::kOptimizerNames.parse(training["optimizer"].get<std::string>(), &config.type);
      cnn::Optimizer optimizer(config, model.net->params());
      cnn::restore_training(model, optimizer, "fuzz.bin");
    }
  } catch (const cnn::Error&) {
  }
  return 0;
}
