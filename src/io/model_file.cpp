// Model file encoding and verified decoding; layout in model_file.hpp and docs/model-format.md.
#include "io/model_file.hpp"

#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "io/atomic_file.hpp"

namespace cnn {
namespace {

constexpr std::uint64_t kMaxHeaderBytes = 16u << 20;  // 16 MiB of JSON is far beyond any real model
constexpr std::uint32_t kMaxTensors = 100000;
constexpr std::uint32_t kMaxNameBytes = 1024;
constexpr std::uint32_t kMaxRank = 8;
constexpr std::uint64_t kMaxFileBytes = std::uint64_t{4} << 30;
constexpr std::size_t kFixedHeaderBytes = 24;  // magic, version, reserved, header length
// nlohmann parses iteratively, but copying or comparing a value recurses once per level: a header
// nested millions deep would overflow the stack, so depth is checked on the text first.
constexpr std::size_t kMaxHeaderDepth = 64;

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint32_t crc32_of(const char* data, std::size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (n > 0) {
    const uInt chunk = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data), chunk);
    data += chunk;
    n -= chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

// The deepest nesting of [ and { in JSON text, outside strings.
std::size_t json_nesting_depth(const char* text, std::size_t n) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// Little-endian reads that fail with the offset when the bytes run out.
class Cursor {
 public:
  Cursor(const std::string& bytes, std::size_t end, const std::string& name) : bytes_(bytes), end_(end), name_(name) {}
  std::size_t offset() const { return pos_; }
  std::size_t remaining() const { return end_ - pos_; }
  void need(std::uint64_t n, const char* what) const {
    CNN_CHECK_CODE(n <= remaining(), ExitCode::kModel, "{}: {} at byte {} needs {} bytes but only {} remain before the checksum",
                   name_, what, pos_, n, remaining());
  }
  std::uint64_t uint(int width, const char* what) {
    need(static_cast<std::uint64_t>(width), what);
    std::uint64_t v = 0;
    for (int i = 0; i < width; ++i) v |= std::uint64_t{static_cast<unsigned char>(bytes_[pos_ + i])} << (8 * i);
    pos_ += static_cast<std::size_t>(width);
    return v;
  }
  const char* take(std::size_t n, const char* what) {
    need(n, what);
    const char* p = bytes_.data() + pos_;
    pos_ += n;
    return p;
  }

 private:
  const std::string& bytes_;
  std::size_t end_;
  const std::string& name_;
  std::size_t pos_ = 0;
};

// Recognises common file kinds, to say what a misnamed file really is.
const char* sniff_kind(const std::string& bytes) {
  auto starts = [&](const char* magic, std::size_t n) { return bytes.size() >= n && std::memcmp(bytes.data(), magic, n) == 0; };
  if (starts("\x1f\x8b", 2)) return "a gzip file";
  if (starts("\x89PNG", 4)) return "a PNG image";
  if (starts("\xff\xd8\xff", 3)) return "a JPEG image";
  if (starts("PK\x03\x04", 4)) return "a zip archive (a PyTorch .pt file?)";
  if (starts("\x80\x02", 2) || starts("\x80\x04", 2)) return "a Python pickle";
  if (starts("\x89HDF", 4)) return "an HDF5 file (a Keras .h5 model?)";
  if (starts("GGUF", 4)) return "a GGUF model";
  if (bytes.size() >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0x08) return "an IDX dataset file";
  return nullptr;
}

}  // namespace

const Tensor* ModelFileContents::find(const std::string& name) const {
  for (const auto& [n, t] : tensors)
    if (n == name) return &t;
  return nullptr;
}

std::string encode_model_file(const nlohmann::json& header, const std::vector<std::pair<std::string, const Tensor*>>& tensors) {
  const std::string json = header.dump();
  std::string out(kModelMagic, sizeof(kModelMagic));
  put_u32(out, kModelVersion);
  put_u32(out, 0);
  put_u64(out, json.size());
  out += json;
  put_u32(out, static_cast<std::uint32_t>(tensors.size()));
  for (const auto& [name, tensor] : tensors) {
    put_u32(out, static_cast<std::uint32_t>(name.size()));
    out += name;
    put_u32(out, static_cast<std::uint32_t>(tensor->shape().rank()));
    for (int d : tensor->shape().dims()) put_u32(out, static_cast<std::uint32_t>(d));
    for (std::size_t i = 0; i < tensor->size(); ++i) {
      std::uint32_t bits;
      std::memcpy(&bits, tensor->data() + i, 4);
      put_u32(out, bits);
    }
  }
  put_u32(out, crc32_of(out.data(), out.size()));
  return out;
}

void save_model_file(const std::string& path, const nlohmann::json& header,
                     const std::vector<std::pair<std::string, const Tensor*>>& tensors) {
  write_file_atomically(path, encode_model_file(header, tensors));
}

ModelFileContents decode_model_file(const std::string& bytes, const std::string& name) {
  if (bytes.size() < sizeof(kModelMagic) || std::memcmp(bytes.data(), kModelMagic, sizeof(kModelMagic)) != 0) {
    const char* kind = sniff_kind(bytes);
    if (bytes.empty()) CNN_FAIL(ExitCode::kModel, "{}: empty file, not a cnn model", name);
    if (kind) CNN_FAIL(ExitCode::kModel, "{}: not a cnn model file: it is {}", name, kind);
    CNN_FAIL(ExitCode::kModel, "{}: not a cnn model file (wrong magic number at byte 0)", name);
  }
  CNN_CHECK_CODE(bytes.size() >= kFixedHeaderBytes + 4 + 4, ExitCode::kModel,
                 "{}: truncated: {} bytes is shorter than the smallest model file", name, bytes.size());
  const std::size_t body = bytes.size() - 4;
  Cursor c(bytes, body, name);
  c.take(sizeof(kModelMagic), "magic");
  const auto version = static_cast<std::uint32_t>(c.uint(4, "version"));
  CNN_CHECK_CODE(version <= kModelVersion, ExitCode::kModel,
                 "{}: model format version {} is newer than this cnn understands ({}); upgrade cnn", name, version, kModelVersion);
  CNN_CHECK_CODE(version >= 1, ExitCode::kModel, "{}: invalid model format version 0", name);
  // The checksum is verified before any field past the version is trusted.
  std::uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) stored |= std::uint32_t{static_cast<unsigned char>(bytes[body + i])} << (8 * i);
  const std::uint32_t actual = crc32_of(bytes.data(), body);
  CNN_CHECK_CODE(stored == actual, ExitCode::kModel,
                 "{}: checksum mismatch (stored {:08x}, computed {:08x}): the file is corrupt or truncated", name, stored, actual);
  c.uint(4, "reserved field");
  const std::uint64_t header_bytes = c.uint(8, "header length");
  CNN_CHECK_CODE(header_bytes <= kMaxHeaderBytes, ExitCode::kModel, "{}: header length {} at byte 16 is absurd", name, header_bytes);
  const std::size_t header_offset = c.offset();
  const char* header_text = c.take(static_cast<std::size_t>(header_bytes), "the JSON header");
  // nlohmann's parser stops at a NUL byte, which would hide trailing garbage: refuse it outright.
  CNN_CHECK_CODE(std::memchr(header_text, '\0', static_cast<std::size_t>(header_bytes)) == nullptr, ExitCode::kModel,
                 "{}: the JSON header at byte {} contains a NUL byte", name, header_offset);
  const std::size_t depth = json_nesting_depth(header_text, static_cast<std::size_t>(header_bytes));
  CNN_CHECK_CODE(depth <= kMaxHeaderDepth, ExitCode::kModel,
                 "{}: the JSON header at byte {} nests {} levels deep (a cnn header nests {} at most, the limit is {})",
                 name, header_offset, depth, 5, kMaxHeaderDepth);
  ModelFileContents contents;
  try {
    contents.header = nlohmann::json::parse(header_text, header_text + header_bytes);
  } catch (const nlohmann::json::exception& e) {
    CNN_FAIL(ExitCode::kModel, "{}: the JSON header at byte {} is malformed: {}", name, header_offset, e.what());
  }
  const auto count = static_cast<std::uint32_t>(c.uint(4, "tensor count"));
  CNN_CHECK_CODE(count <= kMaxTensors, ExitCode::kModel, "{}: tensor count {} is absurd", name, count);
  for (std::uint32_t t = 0; t < count; ++t) {
    const std::size_t at = c.offset();
    const auto name_bytes = static_cast<std::uint32_t>(c.uint(4, "tensor name length"));
    CNN_CHECK_CODE(name_bytes > 0 && name_bytes <= kMaxNameBytes, ExitCode::kModel,
                   "{}: tensor {} at byte {} has a name length of {}", name, t, at, name_bytes);
    std::string tensor_name(c.take(name_bytes, "tensor name"), name_bytes);
    const auto rank = static_cast<std::uint32_t>(c.uint(4, "tensor rank"));
    CNN_CHECK_CODE(rank >= 1 && rank <= kMaxRank, ExitCode::kModel, "{}: tensor '{}' has rank {}", name, tensor_name, rank);
    std::vector<int> dims;
    std::uint64_t elements = 1;
    for (std::uint32_t d = 0; d < rank; ++d) {
      const auto dim = static_cast<std::uint32_t>(c.uint(4, "tensor dimension"));
      CNN_CHECK_CODE(dim > 0 && dim <= (1u << 30), ExitCode::kModel, "{}: tensor '{}' has dimension {} = {}", name, tensor_name, d, dim);
      elements *= dim;  // each factor <= 2^30 and the running product is checked below: no overflow
      CNN_CHECK_CODE(elements * 4 <= c.remaining(), ExitCode::kModel,
                     "{}: tensor '{}' at byte {} claims more data than the file holds", name, tensor_name, at);
      dims.push_back(static_cast<int>(dim));
    }
    Tensor tensor{Shape(dims)};
    const char* data = c.take(static_cast<std::size_t>(elements * 4), "tensor data");
    for (std::size_t i = 0; i < tensor.size(); ++i) {
      std::uint32_t bits = 0;
      for (int k = 0; k < 4; ++k) bits |= std::uint32_t{static_cast<unsigned char>(data[4 * i + k])} << (8 * k);
      std::memcpy(tensor.data() + i, &bits, 4);
    }
    contents.tensors.emplace_back(std::move(tensor_name), std::move(tensor));
  }
  CNN_CHECK_CODE(c.remaining() == 0, ExitCode::kModel, "{}: {} unexpected bytes after the last tensor (byte {})", name,
                 c.remaining(), c.offset());
  return contents;
}

ModelFileContents load_model_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  CNN_CHECK_CODE(fs::exists(path, ec), ExitCode::kModel, "{}: model file not found", path);
  CNN_CHECK_CODE(fs::is_regular_file(path, ec), ExitCode::kModel, "{}: not a regular file (a folder or a device?)", path);
  const std::uint64_t size = fs::file_size(path, ec);
  CNN_CHECK_CODE(!ec && size <= kMaxFileBytes, ExitCode::kModel, "{}: file too large to be a model ({} bytes)", path, size);
  std::ifstream in(path, std::ios::binary);
  CNN_CHECK_CODE(in.good(), ExitCode::kModel, "{}: cannot open the model file", path);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  CNN_CHECK_CODE(static_cast<std::uint64_t>(in.gcount()) == size, ExitCode::kModel, "{}: could not read the whole file", path);
  return decode_model_file(bytes, path);
}

}  // namespace cnn
