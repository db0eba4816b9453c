// Transposition of a small block of floats: a conv layer's per-sample output and gradient between
// filters x positions (NCHW) and the position-major layout of the position kernels
// (ops/conv_positions.hpp).
#pragma once

namespace cnn {

// dst[c * dst_stride + r] = src[r * src_stride + c] for r < rows, c < cols. src and dst must not
// overlap.
void transpose_block(const float* src, int src_stride, int rows, int cols, float* dst, int dst_stride);

}  // namespace cnn
