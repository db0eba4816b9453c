// The hand-over from cnn to cnn-onnx (see onnx_helper.hpp).
#include "cli/onnx_helper.hpp"

#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/error.hpp"

namespace cnn {

void run_onnx_helper(char** argv) {
  char exe[PATH_MAX];
  const ssize_t length = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  CNN_CHECK_CODE(length > 0, ExitCode::kUsage, "cannot find cnn's own folder (/proc/self/exe) to run cnn-onnx: {}",
                 std::strerror(errno));
  std::string path(exe, static_cast<std::size_t>(length));
  path = path.substr(0, path.rfind('/') + 1) + "cnn-onnx";
  execv(path.c_str(), argv);
  CNN_FAIL(ExitCode::kUsage, "cannot run {} for ONNX export and import: {} (it is built beside cnn; copy both together)",
           path, std::strerror(errno));
}

}  // namespace cnn
