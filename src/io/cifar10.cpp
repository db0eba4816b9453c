// CIFAR-10 binary batches; format and rules in cifar10.hpp.
#include "io/cifar10.hpp"

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "io/class_names.hpp"
#include "io/data_description.hpp"

namespace cnn {

namespace fs = std::filesystem;

void decode_cifar10_records(const std::uint8_t* bytes, std::size_t size, const std::string& name, Dataset& out) {
  CNN_CHECK_CODE(size % kCifarRecordBytes == 0, ExitCode::kData,
                 "{}: {} bytes is not a whole number of CIFAR-10 records ({} bytes each)", name, size, kCifarRecordBytes);
  const std::size_t records = size / kCifarRecordBytes;
  constexpr std::size_t kImageBytes = kCifarRecordBytes - 1;
  CNN_CHECK_CODE(static_cast<std::uint64_t>(out.images.count) + records <= 100000000u, ExitCode::kData,
                 "{}: more than 100 million CIFAR-10 records", name);
  if (out.images.count == 0) {
    out.images.channels = kCifarChannels;
    out.images.height = out.images.width = kCifarSide;
  }
  out.images.pixels.reserve(out.images.pixels.size() + records * kImageBytes);
  for (std::size_t r = 0; r < records; ++r) {
    const std::uint8_t* record = bytes + r * kCifarRecordBytes;
    CNN_CHECK_CODE(record[0] < kCifarClasses, ExitCode::kData,
                   "{}: record {} (byte {}) has label {}, CIFAR-10 labels are 0 to 9", name, r, r * kCifarRecordBytes,
                   record[0]);
    out.labels.push_back(record[0]);
    out.images.pixels.insert(out.images.pixels.end(), record + 1, record + kCifarRecordBytes);
  }
  out.images.count += static_cast<int>(records);
  out.classes = kCifarClasses;
}

void read_cifar10_file(const std::string& path, Dataset& out) {
  std::error_code ec;
  CNN_CHECK_CODE(fs::is_regular_file(path, ec), ExitCode::kData, "{}: CIFAR-10 batch not found or not a regular file", path);
  const std::uintmax_t size = fs::file_size(path, ec);
  CNN_CHECK_CODE(!ec, ExitCode::kData, "{}: cannot read its size: {}", path, ec.message());
  CNN_CHECK_CODE(size == kCifarFileBytes, ExitCode::kData,
                 "{}: {} bytes, but a CIFAR-10 batch is exactly {} bytes ({} records of 1 label byte + 3,072 pixel bytes); "
                 "is it the binary version (cifar-10-binary.tar.gz)?",
                 path, size, kCifarFileBytes, kCifarRecordsPerFile);
  std::ifstream in(path, std::ios::binary);
  CNN_CHECK_CODE(in.good(), ExitCode::kData, "{}: cannot open the CIFAR-10 batch", path);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(kCifarFileBytes));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  CNN_CHECK_CODE(static_cast<std::uint64_t>(in.gcount()) == kCifarFileBytes, ExitCode::kData,
                 "{}: truncated while reading (the file shrank?)", path);
  decode_cifar10_records(bytes.data(), bytes.size(), path, out);
}

Dataset load_cifar10(const std::string& dir, bool train) {
  Dataset data;
  if (train) {
    for (int i = 1; i <= 5; ++i) read_cifar10_file((fs::path(dir) / fmt::format("data_batch_{}.bin", i)).string(), data);
  } else {
    read_cifar10_file((fs::path(dir) / "test_batch.bin").string(), data);
  }
  const fs::path meta = fs::path(dir) / "batches.meta.txt";
  std::error_code ec;
  if (fs::exists(meta, ec)) {
    data.class_names = read_class_names_file(meta.string());
    CNN_CHECK_CODE(data.class_names.size() == kCifarClasses, ExitCode::kData, "{}: {} class names, CIFAR-10 has {}",
                   meta.string(), data.class_names.size(), kCifarClasses);
  } else {
    data.class_names = default_class_names(kCifarClasses);
  }
  return data;
}

}  // namespace cnn
