// Position-major stride-1 convolution kernels; see conv_positions.hpp. Each tile keeps R x V
// vectors in registers (R positions or col rows, V vectors of filters; 6 x 2 = 12 accumulators
// plus 3 operands fit AVX2's 16 registers) and streams the other dimension: per step, V vector
// loads of weights or gradients and R broadcasts from the padded sample. Positions are reached
// through a table (wide-grid place of each output position), so tiles run across output rows
// and every loop is flat: with nested row loops GCC spilled accumulators to the stack.
#include "ops/conv_positions.hpp"

#include <type_traits>

#include "ops/shifted_rows.hpp"
#include "ops/vec.hpp"

namespace cnn {
namespace {

// Tile heights: 6 x 2 vectors for forward; 5 x 2 for dW, where GCC spills accumulators at 6.
constexpr int kForwardTile = 6;
constexpr int kDweightTile = 5;

// y_t rows q0..q0+R-1 (wide-grid places at[0..R-1]), filter vectors f0..f0+V-1.
template <int R, int V>
void forward_tile(int k, const int* rows, const float* padded, const int* at, const float* wt, int fp, int f0, float* y_t) {
  // One pointer per position and one offset per step (not position + offset per broadcast):
  // that keeps the address arithmetic in registers.
  const float* x[R];
  for (int r = 0; r < R; ++r) x[r] = padded + at[r];
  Vec acc[R][V] = {};
  for (int p = 0; p < k; ++p) {
    const long row = rows[p];
    Vec w[V];
    for (int v = 0; v < V; ++v) w[v] = load(wt + static_cast<long>(p) * fp + f0 + v * kLanes);
    for (int r = 0; r < R; ++r) {
      const Vec xv = splat(x[r][row]);
      for (int v = 0; v < V; ++v) acc[r][v] += xv * w[v];
    }
  }
  CNN_UNROLL for (int r = 0; r < R; ++r)
    CNN_UNROLL for (int v = 0; v < V; ++v) store(y_t + static_cast<long>(r) * fp + f0 + v * kLanes, acc[r][v]);
}

template <int R>
void forward_positions(int k, const int* rows, const float* padded, const int* at, const float* wt, int fp, float* y_t) {
  int f = 0;
  for (; f + 2 * kLanes <= fp; f += 2 * kLanes) forward_tile<R, 2>(k, rows, padded, at, wt, fp, f, y_t);
  if (f < fp) forward_tile<R, 1>(k, rows, padded, at, wt, fp, f, y_t);
}

// dwt rows p0..p0+R-1, filter vectors f0..f0+V-1, summed over all n output positions.
template <int R, int V>
void dweight_tile(int n, const int* rows, const float* padded, const int* at, const float* dz_t, int fp, int f0, float* dwt) {
  Vec acc[R][V];
  CNN_UNROLL for (int r = 0; r < R; ++r)
    CNN_UNROLL for (int v = 0; v < V; ++v) acc[r][v] = load(dwt + static_cast<long>(r) * fp + f0 + v * kLanes);
  const float* x[R];
  for (int r = 0; r < R; ++r) x[r] = padded + rows[r];
  for (int q = 0; q < n; ++q) {
    const int place = at[q];
    Vec d[V];
    for (int v = 0; v < V; ++v) d[v] = load(dz_t + static_cast<long>(q) * fp + f0 + v * kLanes);
    for (int r = 0; r < R; ++r) {
      const Vec xv = splat(x[r][place]);
      for (int v = 0; v < V; ++v) acc[r][v] += xv * d[v];
    }
  }
  CNN_UNROLL for (int r = 0; r < R; ++r)
    CNN_UNROLL for (int v = 0; v < V; ++v) store(dwt + static_cast<long>(r) * fp + f0 + v * kLanes, acc[r][v]);
}

template <int R>
void dweight_rows(int n, const int* rows, const float* padded, const int* at, const float* dz_t, int fp, float* dwt) {
  int f = 0;
  for (; f + 2 * kLanes <= fp; f += 2 * kLanes) dweight_tile<R, 2>(n, rows, padded, at, dz_t, fp, f, dwt);
  if (f < fp) dweight_tile<R, 1>(n, rows, padded, at, dz_t, fp, f, dwt);
}

// Calls body(tile, start) over [0, n) in tiles of Tile (<= 6) and one shorter tail tile, where
// tile is std::integral_constant<int, R> so the body can instantiate its kernel for R.
template <int Tile, class Body>
void for_tiles(int n, Body&& body) {
  static_assert(Tile <= 6, "the tail switch covers up to 5");
  int i = 0;
  for (; i + Tile <= n; i += Tile) body(std::integral_constant<int, Tile>{}, i);
  switch (n - i) {
    case 5: body(std::integral_constant<int, 5>{}, i); break;
    case 4: body(std::integral_constant<int, 4>{}, i); break;
    case 3: body(std::integral_constant<int, 3>{}, i); break;
    case 2: body(std::integral_constant<int, 2>{}, i); break;
    case 1: body(std::integral_constant<int, 1>{}, i); break;
    default: break;
  }
}

}  // namespace

int padded_filters(int filters) { return (filters + kLanes - 1) / kLanes * kLanes; }

void wide_places(const ConvGeometry& g, int* at) {
  const int wp = padded_width(g);
  for (int oh = 0; oh < g.out_h; ++oh)
    for (int ow = 0; ow < g.out_w; ++ow) *at++ = oh * wp + ow;
}

void conv_forward_positions(const ConvGeometry& g, const int* rows, const int* at, const float* padded, const float* wt, int fp,
                            float* y_t) {
  const int k = g.col_rows();
  for_tiles<kForwardTile>(g.col_cols(), [&](auto tile, int q) {
    forward_positions<decltype(tile)::value>(k, rows, padded, at + q, wt, fp, y_t + static_cast<long>(q) * fp);
  });
}

void conv_dweight_positions(const ConvGeometry& g, const int* rows, const int* at, const float* padded, const float* dz_t, int fp,
                            float* dwt) {
  const int n = g.col_cols();
  for_tiles<kDweightTile>(g.col_rows(), [&](auto tile, int p) {
    dweight_rows<decltype(tile)::value>(n, rows + p, padded, at, dz_t, fp, dwt + static_cast<long>(p) * fp);
  });
}

}  // namespace cnn
