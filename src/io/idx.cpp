// IDX reader implementation; format and rules in idx.hpp.
//
// A .gz file is decompressed with zlib's inflate over the file read in chunks (not gzread, which
// ignores whatever follows the last gzip member), so the reader knows where the gzip stream ends:
// after a member's end, only another complete member may follow (concatenated members are valid
// gzip and form one stream); any other byte is refused, as trailing bytes of a raw file are.
#include "io/idx.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/error.hpp"

namespace cnn {
namespace {

namespace fs = std::filesystem;

// Deflate cannot expand data by more than about 1032:1, so a .gz file of n bytes cannot honestly
// hold more than this many decompressed bytes.
constexpr std::uint64_t kMaxDeflateRatio = 1032;
constexpr std::size_t kChunkBytes = std::size_t{1} << 18;  // file bytes read at a time
constexpr std::size_t kMaxCall = std::size_t{1} << 30;     // zlib counts in 32-bit unsigned

struct FileDescriptor {
  int fd = -1;
  FileDescriptor() = default;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

class IdxFile {
 public:
  // Checks the type with stat before opening: opening a FIFO blocks until a writer appears, and a
  // device may never end. Opened non-blocking and checked again, in case the path was swapped.
  explicit IdxFile(const std::string& path) : path_(path), in_(kChunkBytes) {
    struct stat st {};
    CNN_CHECK_CODE(::stat(path.c_str(), &st) == 0, ExitCode::kData, "{}: not found or not readable: {}", path,
                   std::strerror(errno));
    CNN_CHECK_CODE(S_ISREG(st.st_mode), ExitCode::kData, "{}: not a regular file (a folder, FIFO or device?)", path);
    file_.fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    CNN_CHECK_CODE(file_.fd >= 0, ExitCode::kData, "{}: cannot open: {}", path, std::strerror(errno));
    CNN_CHECK_CODE(::fstat(file_.fd, &st) == 0 && S_ISREG(st.st_mode), ExitCode::kData,
                   "{}: not a regular file (a folder, FIFO or device?)", path);
    file_size_ = static_cast<std::uint64_t>(st.st_size);
    gzip_ = ensure_input(2) && zs_.next_in[0] == 0x1f && zs_.next_in[1] == 0x8b;
    if (gzip_) {
      const int rc = inflateInit2(&zs_, 16 + MAX_WBITS);  // 16: a gzip wrapper, not zlib's
      CNN_CHECK(rc == Z_OK, "{}: zlib could not start ({})", path, rc);
      inflating_ = true;
    }
  }
  ~IdxFile() {
    if (inflating_) inflateEnd(&zs_);
  }
  IdxFile(const IdxFile&) = delete;
  IdxFile& operator=(const IdxFile&) = delete;

  // The most decompressed bytes this file can justify.
  std::uint64_t byte_budget() const { return gzip_ ? file_size_ * kMaxDeflateRatio : file_size_; }
  bool gzip() const { return gzip_; }
  const std::string& path() const { return path_; }
  std::uint64_t offset() const { return offset_; }

  // Reads exactly n (decompressed) bytes or fails naming what was being read.
  void read(void* out, std::size_t n, const char* what) {
    unsigned char* dst = static_cast<unsigned char*>(out);
    std::size_t done = 0;
    auto truncated = [&] {
      CNN_FAIL(ExitCode::kData, "{}: truncated: file ends at byte {} while reading {} ({} bytes expected)", path_,
               offset_ + done, what, n);
    };
    if (!gzip_) {
      while (done < n) {
        if (zs_.avail_in == 0 && n - done >= kChunkBytes) {  // large reads bypass the buffer
          const std::size_t got = read_file(dst + done, std::min(n - done, kMaxCall));
          if (got == 0) truncated();
          done += got;
          continue;
        }
        if (!ensure_input(1)) truncated();
        const std::size_t take = std::min<std::size_t>(n - done, zs_.avail_in);
        std::memcpy(dst + done, zs_.next_in, take);
        consume(take);
        done += take;
      }
      offset_ += n;
      return;
    }
    while (done < n) {
      if (member_ended_) {
        if (!next_member()) truncated();
        continue;
      }
      if (zs_.avail_in == 0 && !ensure_input(1)) truncated();
      const std::size_t want = std::min(n - done, kMaxCall);
      zs_.next_out = dst + done;
      zs_.avail_out = static_cast<uInt>(want);
      const int rc = inflate(&zs_, Z_NO_FLUSH);
      done += want - zs_.avail_out;
      check_inflate(rc, what);
    }
    offset_ += n;
  }

  std::uint32_t read_u32_be(const char* what) {
    unsigned char b[4];
    read(b, 4, what);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
  }

  // The header's data is all read: the file (or the gzip stream) must end here.
  void expect_end() {
    const char* what = "the end of the gzip stream";
    if (!gzip_) {
      if (ensure_input(1))
        CNN_FAIL(ExitCode::kData, "{}: trailing data after byte {} (the header says the file ends there)", path_, offset_);
      return;
    }
    unsigned char extra = 0;
    for (;;) {
      if (member_ended_) {
        if (!next_member()) return;
        continue;
      }
      if (zs_.avail_in == 0 && !ensure_input(1))
        CNN_FAIL(ExitCode::kData, "{}: truncated gzip stream: the file ends at byte {} before the stream's end (its checksum)",
                 path_, file_pos_);
      zs_.next_out = &extra;
      zs_.avail_out = 1;
      const int rc = inflate(&zs_, Z_NO_FLUSH);
      if (zs_.avail_out == 0)
        CNN_FAIL(ExitCode::kData, "{}: trailing data after byte {} (the header says the file ends there)", path_, offset_);
      check_inflate(rc, what);
    }
  }

 private:
  // The position in the file of the next byte not yet consumed.
  std::uint64_t position() const { return file_pos_ - zs_.avail_in; }

  // Reads up to n bytes of the file into dst; 0 at the end of the file.
  std::size_t read_file(unsigned char* dst, std::size_t n) {
    ssize_t got = 0;
    do {
      got = ::read(file_.fd, dst, n);
    } while (got < 0 && errno == EINTR);
    CNN_CHECK_CODE(got >= 0, ExitCode::kData, "{}: read error at byte {}: {}", path_, file_pos_, std::strerror(errno));
    file_pos_ += static_cast<std::uint64_t>(got);
    return static_cast<std::size_t>(got);
  }

  // Makes at least k (<= kChunkBytes) unconsumed bytes available in zs_.next_in unless the file
  // ends first; returns whether they are there.
  bool ensure_input(std::size_t k) {
    while (zs_.avail_in < k) {
      if (zs_.avail_in > 0 && zs_.next_in != in_.data()) std::memmove(in_.data(), zs_.next_in, zs_.avail_in);
      zs_.next_in = in_.data();
      const std::size_t got = read_file(in_.data() + zs_.avail_in, in_.size() - zs_.avail_in);
      if (got == 0) return false;
      zs_.avail_in += static_cast<uInt>(got);
    }
    return true;
  }

  void consume(std::size_t k) {
    zs_.next_in += k;
    zs_.avail_in -= static_cast<uInt>(k);
  }

  // After inflate: notes a member's end, and refuses a corrupt stream.
  void check_inflate(int rc, const char* what) {
    if (rc == Z_STREAM_END) {
      member_ended_ = true;
      return;
    }
    if (rc == Z_OK || (rc == Z_BUF_ERROR && zs_.avail_in == 0)) return;  // more input needed
    CNN_FAIL(ExitCode::kData, "{}: corrupt gzip stream at byte {} of the file while reading {}: {}", path_, position(), what,
             zs_.msg ? zs_.msg : zError(rc));
  }

  // At the end of a gzip member: false at the end of the file; true when another member starts
  // (then inflate is reset for it); anything else is refused.
  bool next_member() {
    if (!ensure_input(1)) return false;
    if (!ensure_input(2) || zs_.next_in[0] != 0x1f || zs_.next_in[1] != 0x8b)
      CNN_FAIL(ExitCode::kData, "{}: trailing bytes after the gzip stream at byte {} ({} bytes that are not a gzip member)", path_,
               position(), file_size_ > position() ? file_size_ - position() : 0);
    CNN_CHECK(inflateReset(&zs_) == Z_OK, "{}: zlib could not restart", path_);
    member_ended_ = false;
    return true;
  }

  std::string path_;
  FileDescriptor file_;
  std::uint64_t file_size_ = 0;
  bool gzip_ = false;
  z_stream zs_{};                  // next_in/avail_in: the unconsumed part of in_, raw or gzip
  std::vector<unsigned char> in_;  // (kChunkBytes) file bytes
  std::uint64_t file_pos_ = 0;     // file bytes read into in_ (or past it) so far
  bool inflating_ = false;         // inflateInit2 succeeded: inflateEnd is due
  bool member_ended_ = false;      // inflate reached the end of a gzip member
  std::uint64_t offset_ = 0;       // decompressed bytes handed out
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

ImageSet read_idx_images(const std::string& path) {
  IdxFile f(path);
  const auto dims = read_header(f, 3, "images");
  CNN_CHECK_CODE(dims[0] > 0, ExitCode::kData, "{}: the header says it holds zero images", path);
  CNN_CHECK_CODE(dims[1] > 0 && dims[2] > 0 && dims[1] <= kMaxIdxSide && dims[2] <= kMaxIdxSide, ExitCode::kData,
                 "{}: image size {}x{} is absurd (each side must be 1 to {})", path, dims[1], dims[2], kMaxIdxSide);
  const std::uint64_t bytes = std::uint64_t{dims[0]} * dims[1] * dims[2];  // < 2^52: no overflow
  CNN_CHECK_CODE(bytes <= f.byte_budget(), ExitCode::kData,
                 "{}: the header claims {} images of {}x{} ({} bytes), more than this {}-byte file can hold", path, dims[0],
                 dims[1], dims[2], bytes, f.gzip() ? "compressed" : "", f.byte_budget());
  ImageSet images;
  images.count = static_cast<int>(dims[0]);
  images.channels = 1;
  images.height = static_cast<int>(dims[1]);
  images.width = static_cast<int>(dims[2]);
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
  std::vector<std::uint8_t> bytes(dims[0]);
  f.read(bytes.data(), bytes.size(), "the labels");
  f.expect_end();
  IdxLabels labels;
  labels.labels.assign(bytes.begin(), bytes.end());
  return labels;
}

Dataset load_dataset(const std::string& images_path, const std::string& labels_path) {
  Dataset d;
  d.images = read_idx_images(images_path);
  d.labels = read_idx_labels(labels_path).labels;
  CNN_CHECK_CODE(static_cast<std::size_t>(d.images.count) == d.labels.size(), ExitCode::kData,
                 "{} holds {} images but {} holds {} labels", images_path, d.images.count, labels_path, d.labels.size());
  d.classes = 1 + *std::max_element(d.labels.begin(), d.labels.end());
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

Dataset load_split(const std::string& dir, bool train, bool transpose) {
  const std::string prefix = train ? "train" : "t10k";
  const std::string images = find_idx_file(dir, prefix + "-images-idx3-ubyte");
  const std::string labels = find_idx_file(dir, prefix + "-labels-idx1-ubyte");
  Dataset d = load_dataset(images, labels);
  if (transpose) transpose_images(d.images);
  return d;
}

void transpose_images(ImageSet& images) {
  const std::size_t rows = static_cast<std::size_t>(images.height), cols = static_cast<std::size_t>(images.width);
  const std::size_t plane = rows * cols;
  std::vector<std::uint8_t> turned(plane);
  for (std::size_t p = 0; p < static_cast<std::size_t>(images.count) * images.channels; ++p) {
    std::uint8_t* image = images.pixels.data() + p * plane;
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < cols; ++c) turned[c * rows + r] = image[r * cols + c];
    std::copy(turned.begin(), turned.end(), image);
  }
  std::swap(images.height, images.width);
}

}  // namespace cnn
