// Atomic file writes; see atomic_file.hpp.
#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"

namespace cnn {
namespace {

namespace fs = std::filesystem;

void fsync_folder(const fs::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // best effort: some file systems do not allow opening folders
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& bytes) {
  const fs::path target(path);
  const fs::path dir = target.parent_path();
  std::string tmp = (dir.empty() ? fs::path(".") : dir).string() + "/." + target.filename().string() + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  CNN_CHECK_CODE(fd >= 0, ExitCode::kIo, "{}: cannot create a temporary file in its folder: {}", path, std::strerror(errno));
  auto fail = [&](const char* what) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    CNN_FAIL(ExitCode::kIo, "{}: {} failed: {} (the previous file, if any, is unchanged)", path, what, std::strerror(err));
  };
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("writing");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) fail("fsync");
  if (::fchmod(fd, 0644) != 0) fail("chmod");
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    CNN_FAIL(ExitCode::kIo, "{}: closing failed: {}", path, std::strerror(err));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    CNN_FAIL(ExitCode::kIo, "{}: rename failed: {}", path, std::strerror(err));
  }
  fsync_folder(dir);
}

int remove_stale_temporaries(const std::string& path) {
  const fs::path target(path);
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const std::string prefix = "." + target.filename().string() + ".tmp-";
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() == prefix.size() + 6 && name.compare(0, prefix.size(), prefix) == 0 && entry.is_regular_file(ec)) {
      if (fs::remove(entry.path(), ec)) ++removed;
    }
  }
  return removed;
}

void ensure_writable_folder(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  CNN_CHECK_CODE(!ec || fs::is_directory(dir), ExitCode::kIo, "{}: cannot create the output folder: {}", dir, ec.message());
  CNN_CHECK_CODE(fs::is_directory(dir), ExitCode::kIo, "{}: exists and is not a folder", dir);
  std::string probe = dir + "/.cnn-write-probe-XXXXXX";
  const int fd = ::mkstemp(probe.data());
  CNN_CHECK_CODE(fd >= 0, ExitCode::kIo, "{}: the output folder is not writable: {}", dir, std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
}

}  // namespace cnn
