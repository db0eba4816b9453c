// Warping kernels; see warp.hpp.
#include "ops/warp.hpp"

#include <cmath>

#include "ops/vec.hpp"

namespace cnn {
namespace {

// Lane offsets 0, 1, ..., kLanes - 1 as floats.
Vec lane_offsets() {
  Vec v;
  for (int i = 0; i < kLanes; ++i) v[i] = static_cast<float>(i);
  return v;
}

Vec clamp(Vec v, Vec lo, Vec hi) {
  v = v < lo ? lo : v;
  return v > hi ? hi : v;
}

// c (rows, ldc) = a (rows, k, lda) * b (k, cols, ldb), cols a multiple of kLanes: up to four vector
// accumulators per output row block, held in registers across the whole sum.
void matmul_rows(const float* a, int lda, int rows, int k, const float* b, int ldb, int cols, float* c, int ldc) {
  for (int i = 0; i < rows; ++i) {
    const float* ai = a + static_cast<std::size_t>(i) * lda;
    float* ci = c + static_cast<std::size_t>(i) * ldc;
    int j = 0;
    for (; j + 4 * kLanes <= cols; j += 4 * kLanes) {
      Vec acc[4] = {};
      for (int t = 0; t < k; ++t) {
        const Vec s = splat(ai[t]);
        const float* bt = b + static_cast<std::size_t>(t) * ldb + j;
        CNN_UNROLL
        for (int v = 0; v < 4; ++v) acc[v] += s * load(bt + v * kLanes);
      }
      CNN_UNROLL
      for (int v = 0; v < 4; ++v) store(ci + j + v * kLanes, acc[v]);
    }
    for (; j < cols; j += kLanes) {
      Vec acc{};
      for (int t = 0; t < k; ++t) acc += splat(ai[t]) * load(b + static_cast<std::size_t>(t) * ldb + j);
      store(ci + j, acc);
    }
  }
}

}  // namespace

void SamplingMap::build(int height, int width, const AffineMap& m, const float* dx, const float* dy) {
  height_ = height;
  width_ = width;
  const int fstride = field_stride(width);
  const std::size_t size = static_cast<std::size_t>(height) * fstride;
  index.resize(size);
  fx.resize(size);
  fy.resize(size);
  // Clamped into [-1, size]: the framed plane holds a zero at -1 and at size and size + 1, so a
  // point beyond the image reads zeros, with the same arithmetic as one inside.
  const Vec lo = splat(-1.0f), hi_x = splat(static_cast<float>(width)), hi_y = splat(static_cast<float>(height));
  const Vec one = splat(1.0f);
  const VecInt stride = VecInt{} + (width + 3);
  const Vec offsets = lane_offsets();
  for (int y = 0; y < height; ++y) {
    const Vec qy0 = splat(static_cast<float>(y) + m.y_offset);
    // Whole vectors, padding lanes included (their entries are valid and never read).
    for (int x0 = 0; x0 < fstride; x0 += kLanes) {
      const std::size_t at = static_cast<std::size_t>(y) * fstride + x0;
      Vec qx = splat(m.x_sign) * (splat(static_cast<float>(x0)) + offsets) + splat(m.x_offset);
      Vec qy = qy0;
      if (dx) {
        qx += load(dx + at);
        qy += load(dy + at);
      }
      const Vec vx = clamp(splat(m.a) * qx + splat(m.b) * qy + splat(m.e), lo, hi_x);
      const Vec vy = clamp(splat(m.c) * qx + splat(m.d) * qy + splat(m.f), lo, hi_y);
      // +1 makes them non-negative, so truncation is floor.
      const VecInt ix = __builtin_convertvector(vx + one, VecInt);
      const VecInt iy = __builtin_convertvector(vy + one, VecInt);
      store(fx.data() + at, vx + one - __builtin_convertvector(ix, Vec));
      store(fy.data() + at, vy + one - __builtin_convertvector(iy, Vec));
      const VecInt idx = iy * stride + ix;  // framed coordinates: the frame's origin is (-1, -1)
      std::memcpy(index.data() + at, &idx, sizeof idx);
    }
  }
}

void frame_plane(const float* src, int height, int width, float* framed) {
  const int stride = width + 3;
  for (int y = 0; y < height; ++y) copy_row(src + static_cast<std::size_t>(y) * width, width, framed + (y + 1) * stride + 1);
}

void sample_plane(const SamplingMap& map, const float* framed, float* out) {
  const int stride = map.stride(), fstride = field_stride(map.width()), width = map.width();
  for (int y = 0; y < map.height(); ++y) {
    const std::size_t row = static_cast<std::size_t>(y) * fstride;
    const std::int32_t* index = map.index.data() + row;
    const float* fx = map.fx.data() + row;
    const float* fy = map.fy.data() + row;
    float* o = out + static_cast<std::size_t>(y) * width;
    for (int x = 0; x < width; ++x) {
      const float* p = framed + index[x];
      const float top = p[0] + fx[x] * (p[1] - p[0]);
      const float bottom = p[stride] + fx[x] * (p[stride + 1] - p[stride]);
      o[x] = top + fy[x] * (bottom - top);
    }
  }
}

int field_stride(int width) { return (width + kLanes - 1) / kLanes * kLanes; }

std::vector<float> gaussian_matrix(int n, int stride, float sigma, float gain) {
  // Normalised over all integers (the tails past 8 sigma are below float precision), not over the
  // plane: a zero boundary shrinks the field near the edges, as zero padding does.
  const double s = static_cast<double>(sigma);
  const int reach = static_cast<int>(std::ceil(8.0 * s));
  double total = 0.0;
  for (int j = -reach; j <= reach; ++j) total += std::exp(-0.5 * j * j / (s * s));
  std::vector<float> g(static_cast<std::size_t>(n) * stride, 0.0f);
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < n; ++k) {
      const double t = i - k;
      g[static_cast<std::size_t>(i) * stride + k] = static_cast<float>(gain * std::exp(-0.5 * t * t / (s * s)) / total);
    }
  return g;
}

void smooth_field(const float* g_rows, const float* g_cols, int height, int width, float* field, float* scratch) {
  const int stride = field_stride(width);
  // scratch = G_h F, then field = scratch G_w^T = scratch G_w (symmetric; its padding columns are 0).
  matmul_rows(g_rows, height, height, height, field, stride, stride, scratch, stride);
  matmul_rows(scratch, stride, height, width, g_cols, stride, stride, field, stride);
}

}  // namespace cnn
