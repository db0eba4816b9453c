// The C99 functions a generated network calls (conv, pooling, dense, batch norm, the
// activations, softmax...), as source text: the C export writes into NAME.c only those the network
// uses, so that `-Wall -Wextra -Werror` finds no unused static function. They compute what cnn's
// layers compute at inference (docs/behaviour.md), in float, summing in their own order.
#pragma once

#include <string>
#include <vector>

namespace cnn {

struct CKernel {
  const char* name;
  bool math;                        // needs <math.h>
  const char* source;
  std::vector<std::string> needs;   // the kernels it calls, written before it
};

// The int8 network's kernels (c_kernels_int8.cpp), in the order they are written.
const std::vector<CKernel>& int8_c_kernels();

// The kernels, by name: "conv2d", "pool2d", "dense", "scale_shift", "normalize",
// "global_avg_pool", "global_max_pool", "add", "concat_into", "softmax", and one per activation
// ("act_relu", "act_tanh", "act_sigmoid", "act_scaled_tanh", "act_silu", "act_gelu",
// "act_gelu_tanh", "leaky_relu"). Their source in a fixed order, `names` in any.
std::string c_kernel_source(const std::vector<std::string>& names);
// Whether a kernel needs <math.h> (expf, tanhf, erff).
bool c_kernel_uses_math(const std::string& name);

}  // namespace cnn
