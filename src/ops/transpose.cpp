// transpose_block: 8 x 8 tiles transposed in registers, 8 loads and 8 stores of 8 floats each,
// where element-by-element copying makes 64 scattered stores (the destination rows are a cache
// line apart in the position-major layout). The tile is 8 floats wide whatever the native
// vector (Vec8, ops/vec.hpp): the shuffles below are the classic AVX 8 x 8 transpose.
#include "ops/transpose.hpp"

#include "ops/vec.hpp"

namespace cnn {
namespace {

constexpr int kTile = kLanes8;

// r[i] holds row i of the tile on entry and column i on return. Three rounds: interleave pairs of
// rows, then pairs of pairs, then swap the 4 x 4 quarters between the two 128-bit halves.
void transpose8(Vec8 r[kTile]) {
  Vec8 t[kTile], s[kTile];
  for (int i = 0; i < kTile; i += 2) {
    t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int i = 0; i < kTile; i += 4) {
    s[i] = __builtin_shufflevector(t[i], t[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
    s[i + 1] = __builtin_shufflevector(t[i], t[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    s[i + 2] = __builtin_shufflevector(t[i + 1], t[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
    s[i + 3] = __builtin_shufflevector(t[i + 1], t[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
  }
  for (int i = 0; i < 4; ++i) {
    r[i] = __builtin_shufflevector(s[i], s[i + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    r[i + 4] = __builtin_shufflevector(s[i], s[i + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}

// One 8 x 8 tile whose top-left corner is src[0] (and dst[0] for its transpose).
void transpose_tile(const float* src, int src_stride, float* dst, int dst_stride) {
  Vec8 r[kTile];
  for (int i = 0; i < kTile; ++i) r[i] = load8(src + static_cast<long>(i) * src_stride);
  transpose8(r);
  for (int i = 0; i < kTile; ++i) store8(dst + static_cast<long>(i) * dst_stride, r[i]);
}

}  // namespace

void transpose_block(const float* src, int src_stride, int rows, int cols, float* dst, int dst_stride) {
  if (rows < kTile || cols < kTile) {
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) dst[static_cast<long>(c) * dst_stride + r] = src[static_cast<long>(r) * src_stride + c];
    return;
  }
  // Whole tiles; the last rows and the last columns by a tile overlapping the one before (the
  // overlap is written twice, with the same values).
  for (int r = 0;; r += kTile) {
    if (r > rows - kTile) r = rows - kTile;
    const float* from = src + static_cast<long>(r) * src_stride;
    for (int c = 0;; c += kTile) {
      if (c > cols - kTile) c = cols - kTile;
      transpose_tile(from + c, src_stride, dst + static_cast<long>(c) * dst_stride + r, dst_stride);
      if (c == cols - kTile) break;
    }
    if (r == rows - kTile) break;
  }
}

}  // namespace cnn
