// first_max_index(x, n): where n >= 1 floats take their maximum, the first place (the lowest
// index) on ties, as torch.max(dim) returns it; with a NaN among them, the first NaN (a maximum
// propagates NaN). -0 and +0 compare equal, so of a -0 and a +0 that are the maximum the first wins.
//
//   pass 1  the maximum m and whether any element is NaN, in whole vectors (lane by lane with >,
//           which never picks a NaN) and a scalar tail
//   pass 2  the first i with x[i] == m, or with x[i] a NaN
// The result does not depend on the vector width: pass 1 finds the value, pass 2 its first place.
#pragma once

#include <cstddef>

namespace cnn {

std::size_t first_max_index(const float* x, std::size_t n);

}  // namespace cnn
