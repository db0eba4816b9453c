#include "runtime/layer_tensors.hpp"

#include "core/error.hpp"

namespace cnn {

const Tensor& layer_tensor(Layer& layer, const std::string& local_name, const std::string& layer_name) {
  for (const Param& p : layer.params())
    if (p.name == local_name) return *p.value;
  for (const Param& p : layer.state())
    if (p.name == local_name) return *p.value;
  CNN_FAIL(ExitCode::kInternal, "{}: no tensor '{}'", layer_name, local_name);
}

}  // namespace cnn
