// Position-major stride-1 convolution kernels; see conv_positions.hpp. Each tile keeps R x V
// vectors in registers (R positions or col rows, V vectors of filters; 6 x 2 = 12 accumulators
// plus 3 operands fit AVX2's 16 registers) and streams the other dimension: per step, V vector
// loads of weights or gradients and R broadcasts from the padded sample.
#include "ops/conv_positions.hpp"

#include <type_traits>

#include "ops/shifted_rows.hpp"
#include "ops/vec.hpp"

namespace cnn {
namespace {

// Tile heights: 6 x 2 vectors for forward; 5 x 2 for dW, where GCC spills accumulators at 6.
constexpr int kForwardTile = 6;
constexpr int kDweightTile = 5;

// y_t rows q0..q0+R-1 (consecutive positions on one output row, starting at wide position w0),
// filter vectors f0..f0+V-1.
template <int R, int V>
void forward_tile(int k, const int* rows, const float* padded, int w0, const float* wt, int fp, int f0, float* y_t) {
  Vec acc[R][V] = {};
  for (int p = 0; p < k; ++p) {
    const float* x = padded + rows[p] + w0;
    Vec w[V];
    for (int v = 0; v < V; ++v) w[v] = load(wt + static_cast<long>(p) * fp + f0 + v * kLanes);
    for (int r = 0; r < R; ++r) {
      const Vec xv = splat(x[r]);
      for (int v = 0; v < V; ++v) acc[r][v] += xv * w[v];
    }
  }
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < V; ++v) store(y_t + static_cast<long>(r) * fp + f0 + v * kLanes, acc[r][v]);
}

template <int R>
void forward_positions(int k, const int* rows, const float* padded, int w0, const float* wt, int fp, float* y_t) {
  int f = 0;
  for (; f + 2 * kLanes <= fp; f += 2 * kLanes) forward_tile<R, 2>(k, rows, padded, w0, wt, fp, f, y_t);
  if (f < fp) forward_tile<R, 1>(k, rows, padded, w0, wt, fp, f, y_t);
}

// dwt rows p0..p0+R-1, filter vectors f0..f0+V-1, summed over the positions of one output row
// (whole rows per call keep the loop simple enough for the compiler to hold every accumulator in
// a register; a loop nest over all rows made it spill half of them).
template <int R, int V>
void dweight_tile(int out_w, const int* rows, const float* padded, int w0, const float* dz_t, int fp, int f0, float* dwt) {
  Vec acc[R][V];
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < V; ++v) acc[r][v] = load(dwt + static_cast<long>(r) * fp + f0 + v * kLanes);
  const float* x[R];
  for (int r = 0; r < R; ++r) x[r] = padded + rows[r] + w0;
  for (int ow = 0; ow < out_w; ++ow) {
    Vec d[V];
    for (int v = 0; v < V; ++v) d[v] = load(dz_t + static_cast<long>(ow) * fp + f0 + v * kLanes);
    for (int r = 0; r < R; ++r) {
      const Vec xv = splat(x[r][ow]);
      for (int v = 0; v < V; ++v) acc[r][v] += xv * d[v];
    }
  }
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < V; ++v) store(dwt + static_cast<long>(r) * fp + f0 + v * kLanes, acc[r][v]);
}

template <int R>
void dweight_rows(const ConvGeometry& g, const int* rows, const float* padded, const float* dz_t, int fp, float* dwt) {
  const int wp = padded_width(g);
  for (int oh = 0; oh < g.out_h; ++oh) {
    const float* dz_row = dz_t + static_cast<long>(oh) * g.out_w * fp;
    int f = 0;
    for (; f + 2 * kLanes <= fp; f += 2 * kLanes) dweight_tile<R, 2>(g.out_w, rows, padded, oh * wp, dz_row, fp, f, dwt);
    if (f < fp) dweight_tile<R, 1>(g.out_w, rows, padded, oh * wp, dz_row, fp, f, dwt);
  }
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

void conv_forward_positions(const ConvGeometry& g, const int* rows, const float* padded, const float* wt, int fp, float* y_t) {
  const int k = g.col_rows(), wp = padded_width(g);
  for (int oh = 0; oh < g.out_h; ++oh)
    for_tiles<kForwardTile>(g.out_w, [&](auto tile, int ow) {
      forward_positions<decltype(tile)::value>(k, rows, padded, oh * wp + ow, wt, fp,
                                               y_t + (static_cast<long>(oh) * g.out_w + ow) * fp);
    });
}

void conv_dweight_positions(const ConvGeometry& g, const int* rows, const float* padded, const float* dz_t, int fp, float* dwt) {
  for_tiles<kDweightTile>(g.col_rows(), [&](auto tile, int p) {
    dweight_rows<decltype(tile)::value>(g, rows + p, padded, dz_t, fp, dwt + static_cast<long>(p) * fp);
  });
}

}  // namespace cnn
