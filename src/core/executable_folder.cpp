// executable_folder: the target of /proc/self/exe without its file name.
#include "core/executable_folder.hpp"

#include <limits.h>
#include <unistd.h>

namespace cnn {

std::string executable_folder() {
  char exe[PATH_MAX];
  const ssize_t length = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (length <= 0) return {};
  const std::string path(exe, static_cast<std::size_t>(length));
  return path.substr(0, path.rfind('/') + 1);
}

}  // namespace cnn
