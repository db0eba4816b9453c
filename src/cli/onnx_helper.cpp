// The hand-over from cnn to cnn-onnx (see onnx_helper.hpp).
#include "cli/onnx_helper.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/error.hpp"
#include "core/executable_folder.hpp"

namespace cnn {

void run_onnx_helper(char** argv) {
  const std::string folder = executable_folder();
  CNN_CHECK_CODE(!folder.empty(), ExitCode::kUsage, "cannot find cnn's own folder (/proc/self/exe) to run cnn-onnx: {}",
                 std::strerror(errno));
  const std::string path = folder + "cnn-onnx";
  execv(path.c_str(), argv);
  CNN_FAIL(ExitCode::kUsage, "cannot run {} for ONNX export and import: {} (it is built beside cnn; copy both together)",
           path, std::strerror(errno));
}

}  // namespace cnn
