// Shared helpers of the Layer contract.
#include "layers/layer.hpp"

#include "core/error.hpp"

namespace cnn {

std::uint64_t saturating_product(std::initializer_list<std::uint64_t> factors) {
  std::uint64_t product = 1;
  for (std::uint64_t f : factors)
    if (__builtin_mul_overflow(product, f, &product)) return UINT64_MAX;
  return product;
}

const Tensor& Layer::backward_max_pooled_2x2(const Tensor& /*dpooled*/) {
  CNN_FAIL(ExitCode::kInternal, "{}: no fused max-pool forward in training mode came before this backward", kind());
}

}  // namespace cnn
