// The model file: one self-describing, checksummed binary file per checkpoint. The byte layout is
// specified in docs/model-format.md; in short (all integers little-endian):
//
//   magic "CNNMODEL" (8 bytes) | u32 version | u32 reserved (0) | u64 header length H
//   | H bytes of UTF-8 JSON (architecture, config, training state)
//   | u32 tensor count T | T x (u32 name length, name, u32 rank, rank x u32 dims, f32 data)
//   | u32 CRC-32 (zlib/IEEE) of every byte before it
//
// This layer knows nothing of networks: it stores a JSON header and named tensors, and loading
// verifies magic, version, every size against the real file size, and the checksum before a
// value is used. Problems throw cnn::Error(kModel) naming the file and byte offset.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.hpp"

namespace cnn {

constexpr char kModelMagic[8] = {'C', 'N', 'N', 'M', 'O', 'D', 'E', 'L'};
constexpr std::uint32_t kModelVersion = 3;  // 3: layers record name and inputs; 2: the header may hold "data"

struct ModelFileContents {
  nlohmann::json header;
  std::vector<std::pair<std::string, Tensor>> tensors;  // in file order

  const Tensor* find(const std::string& name) const;
};

// Serialises to bytes (exposed for tests) and writes crash-safely (io/atomic_file.hpp).
std::string encode_model_file(const nlohmann::json& header, const std::vector<std::pair<std::string, const Tensor*>>& tensors);
void save_model_file(const std::string& path, const nlohmann::json& header,
                     const std::vector<std::pair<std::string, const Tensor*>>& tensors);

ModelFileContents decode_model_file(const std::string& bytes, const std::string& name);
ModelFileContents load_model_file(const std::string& path);

}  // namespace cnn
