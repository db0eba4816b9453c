// IDX reader implementation; format and rules in idx.hpp.
#include "io/idx.hpp"

#include <zlib.h>

#include <array>
#include <filesystem>
#include <memory>

#include "core/error.hpp"

namespace cnn {
namespace {

namespace fs = std::filesystem;

// Deflate cannot expand data by more than about 1032:1, so a .gz file of n bytes cannot honestly
// hold more than this many decompressed bytes.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

class IdxFile {
 public:
  explicit IdxFile(const std::string& path) : path_(path) {
    std::error_code ec;
    CNN_CHECK_CODE(fs::is_regular_file(path, ec), ExitCode::kData, "{}: not found or not a regular file", path);
    file_size_ = fs::file_size(path, ec);
    CNN_CHECK_CODE(!ec, ExitCode::kData, "{}: cannot read its size: {}", path, ec.message());
    std::array<unsigned char, 2> head{};
    {
      FILE* raw = std::fopen(path.c_str(), "rb");
      CNN_CHECK_CODE(raw != nullptr, ExitCode::kData, "{}: cannot open", path);
      const std::size_t got = std::fread(head.data(), 1, 2, raw);
      std::fclose(raw);
      gzip_ = got == 2 && head[0] == 0x1f && head[1] == 0x8b;
    }
    file_.reset(gzopen(path.c_str(), "rb"));
    CNN_CHECK_CODE(file_ != nullptr, ExitCode::kData, "{}: cannot open", path);
  }

  // The most decompressed bytes this file can justify.
  std::uint64_t byte_budget() const { return gzip_ ? file_size_ * kMaxDeflateRatio : file_size_; }
  bool gzip() const { return gzip_; }
  const std::string& path() const { return path_; }
  std::uint64_t offset() const { return offset_; }

  // Reads exactly n bytes or fails naming what was being read.
  void read(void* out, std::size_t n, const char* what) {
    std::size_t done = 0;
    while (done < n) {
      const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n - done, 1u << 30));
      const int got = gzread(file_.get(), static_cast<char*>(out) + done, chunk);
      if (got <= 0) {
        int errnum = 0;
        const char* msg = gzerror(file_.get(), &errnum);
        if (got < 0 || errnum != Z_OK)
          CNN_FAIL(ExitCode::kData, "{}: corrupt {} stream at byte {} while reading {}: {}", path_, gzip_ ? "gzip" : "file",
                   offset_ + done, what, msg ? msg : "read error");
        CNN_FAIL(ExitCode::kData, "{}: truncated: file ends at byte {} while reading {} ({} bytes expected)", path_,
                 offset_ + done, what, n);
      }
      done += static_cast<std::size_t>(got);
    }
    offset_ += n;
  }

  std::uint32_t read_u32_be(const char* what) {
    unsigned char b[4];
    read(b, 4, what);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
  }

  void expect_end() {
    char extra = 0;
    const int got = gzread(file_.get(), &extra, 1);
    if (got > 0) CNN_FAIL(ExitCode::kData, "{}: trailing data after byte {} (the header says the file ends there)", path_, offset_);
    int errnum = 0;
    const char* msg = gzerror(file_.get(), &errnum);
    CNN_CHECK_CODE(got == 0 && errnum == Z_OK, ExitCode::kData, "{}: corrupt gzip stream after byte {}: {}", path_, offset_,
                   msg ? msg : "read error");
  }

 private:
  std::string path_;
  std::uint64_t file_size_ = 0;
  bool gzip_ = false;
  std::unique_ptr<gzFile_s, GzCloser> file_;
  std::uint64_t offset_ = 0;
};

// Reads the magic and dimensions, checks them, and returns the dimensions.
std::vector<std::uint32_t> read_header(IdxFile& f, int expected_ndim, const char* kind) {
  unsigned char magic[4];
  f.read(magic, 4, "the IDX magic number");
  CNN_CHECK_CODE(magic[0] == 0 && magic[1] == 0, ExitCode::kData,
                 "{}: not an IDX file (magic bytes {:02x} {:02x} at offset 0, expected 00 00)", f.path(), magic[0], magic[1]);
  CNN_CHECK_CODE(magic[2] == 0x08, ExitCode::kData, "{}: IDX type byte 0x{:02x} at offset 2, expected 0x08 (unsigned bytes)",
                 f.path(), magic[2]);
  if (magic[3] != expected_ndim) {
    const char* hint = magic[3] == 1 ? " (this looks like a label file)" : magic[3] == 3 ? " (this looks like an image file)" : "";
    CNN_FAIL(ExitCode::kData, "{}: {} dimensions at offset 3, expected {} for {}{}", f.path(), magic[3], expected_ndim, kind, hint);
  }
  std::vector<std::uint32_t> dims;
  for (int i = 0; i < expected_ndim; ++i) dims.push_back(f.read_u32_be("the IDX dimensions"));
  return dims;
}

}  // namespace

IdxImages read_idx_images(const std::string& path) {
  IdxFile f(path);
  const auto dims = read_header(f, 3, "images");
  CNN_CHECK_CODE(dims[0] > 0, ExitCode::kData, "{}: the header says it holds zero images", path);
  CNN_CHECK_CODE(dims[1] > 0 && dims[2] > 0 && dims[1] <= kMaxIdxSide && dims[2] <= kMaxIdxSide, ExitCode::kData,
                 "{}: image size {}x{} is absurd (each side must be 1 to {})", path, dims[1], dims[2], kMaxIdxSide);
  const std::uint64_t bytes = std::uint64_t{dims[0]} * dims[1] * dims[2];  // < 2^52: no overflow
  CNN_CHECK_CODE(bytes <= f.byte_budget(), ExitCode::kData,
                 "{}: the header claims {} images of {}x{} ({} bytes), more than this {}-byte file can hold", path, dims[0],
                 dims[1], dims[2], bytes, f.gzip() ? "compressed" : "", f.byte_budget());
  IdxImages images;
  images.count = static_cast<int>(dims[0]);
  images.rows = static_cast<int>(dims[1]);
  images.cols = static_cast<int>(dims[2]);
  images.pixels.resize(static_cast<std::size_t>(bytes));
  f.read(images.pixels.data(), images.pixels.size(), "the image pixels");
  f.expect_end();
  return images;
}

IdxLabels read_idx_labels(const std::string& path) {
  IdxFile f(path);
  const auto dims = read_header(f, 1, "labels");
  CNN_CHECK_CODE(dims[0] > 0, ExitCode::kData, "{}: the header says it holds zero labels", path);
  CNN_CHECK_CODE(dims[0] <= f.byte_budget(), ExitCode::kData, "{}: the header claims {} labels, more than the file can hold",
                 path, dims[0]);
  IdxLabels labels;
  labels.labels.resize(dims[0]);
  f.read(labels.labels.data(), labels.labels.size(), "the labels");
  f.expect_end();
  for (std::size_t i = 0; i < labels.labels.size(); ++i)
    CNN_CHECK_CODE(labels.labels[i] < kNumClasses, ExitCode::kData, "{}: label {} at index {} (byte {}) is not a digit 0-9",
                   path, labels.labels[i], i, 8 + i);
  return labels;
}

Dataset load_dataset(const std::string& images_path, const std::string& labels_path) {
  Dataset d;
  d.images = read_idx_images(images_path);
  d.labels = read_idx_labels(labels_path).labels;
  CNN_CHECK_CODE(static_cast<std::size_t>(d.images.count) == d.labels.size(), ExitCode::kData,
                 "{} holds {} images but {} holds {} labels", images_path, d.images.count, labels_path, d.labels.size());
  return d;
}

std::string find_idx_file(const std::string& dir, const std::string& stem) {
  std::error_code ec;
  const fs::path raw = fs::path(dir) / stem;
  if (fs::exists(raw, ec)) return raw.string();
  const fs::path gz = fs::path(dir) / (stem + ".gz");
  if (fs::exists(gz, ec)) return gz.string();
  CNN_FAIL(ExitCode::kData, "{}: neither {} nor {}.gz found (fetch MNIST with scripts/fetch_mnist.sh, or set data.dir / --data)",
           dir, stem, stem);
}

Dataset load_split(const std::string& dir, bool train) {
  const std::string prefix = train ? "train" : "t10k";
  const std::string images = find_idx_file(dir, prefix + "-images-idx3-ubyte");
  const std::string labels = find_idx_file(dir, prefix + "-labels-idx1-ubyte");
  return load_dataset(images, labels);
}

}  // namespace cnn
