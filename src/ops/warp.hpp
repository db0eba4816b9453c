// Image warping kernels for data augmentation (train/augment.hpp): a sampling map, bilinear
// sampling of one plane through it, and Gaussian smoothing of a displacement field.
//
//   SamplingMap    for each output pixel (h, w): where it reads in the source plane (sx, sy),
//                  stored as the top-left neighbour's index in a framed copy of the plane and the
//                  two bilinear fractions
//   sample_plane   out(y, x) = bilinear(src, sx, sy), zero outside the source
//   smooth_field   F <- G_h F G_w^T: the separable Gaussian of F, zero outside the plane
//
// Bilinear sampling reads a copy of the source framed by zeros (1 pixel left and top, 2 right and
// bottom) with the coordinates clamped into the frame, so every read is in bounds without a branch
// and a point outside the image reads exactly 0. A map point on a whole pixel has fractions 0 and
// reads that pixel exactly (1 * p + 0 * q), which makes the identity map the exact identity.
//
// The Gaussian is applied as two small dense matrix products rather than as a truncated
// convolution: on a 28x28 field with sigma 4 the kernel spans the whole image anyway (3 sigma = 12
// pixels each side), so the matrix is the exact (untruncated) sampled Gaussian with a zero
// boundary at the cost of n multiply-adds per element and pass. Fields are stored with rows padded
// to whole vectors (field_stride), so each output row is a few vector accumulators kept in
// registers over the whole sum: no scalar tail and no store-to-load chain (the first version, an
// axpy per row and term, cost 35 us per 28x28 image; this one about 3).
#pragma once

#include <cstdint>
#include <vector>

namespace cnn {

// The 2D affine part of a sampling map: the output pixel (x, y) reads the source at
//   sx = a * qx + b * qy + e,  sy = c * qx + d * qy + f,
// with qx = x_sign * x + x_offset + dx(y, x) and qy = y + y_offset + dy(y, x) (dx, dy: an optional
// displacement field, the elastic distortion, in output pixels).
struct AffineMap {
  float a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;
  float x_sign = 1;  // -1: a horizontal flip (x_offset then holds width - 1)
  float x_offset = 0, y_offset = 0;
};

// The row stride of a (height, width) displacement field or sampling map: width rounded up to whole
// vectors.
int field_stride(int width);

class SamplingMap {
 public:
  // Builds the map for (height, width) planes read from (height, width) sources; dx and dy are
  // (height, field_stride(width)) fields or both null.
  void build(int height, int width, const AffineMap& affine, const float* dx, const float* dy);

  int height() const { return height_; }
  int width() const { return width_; }
  // The framed source's row stride: width + 3.
  int stride() const { return width_ + 3; }

  // (height, field_stride(width)), the padding columns unused:
  std::vector<std::int32_t> index;  // framed-plane index of the top-left neighbour
  std::vector<float> fx, fy;        // bilinear fractions in [0, 1)

 private:
  int height_ = 0, width_ = 0;
};

// framed: (height + 3, width + 3), the source plane at offset (1, 1) and zeros elsewhere (only the
// interior is written here; the caller zeroes the frame once). Copies src (height, width) in.
void frame_plane(const float* src, int height, int width, float* framed);

// out (height, width) = the framed source sampled through the map.
void sample_plane(const SamplingMap& map, const float* framed, float* out);

// The (n, stride) matrix, stride >= n, of the sampled Gaussian of `sigma` pixels times `gain`:
// gain * g(i - k) / Σ_j g(j) over all integers j in columns k < n, zeros past them; smoothing with a
// zero boundary is G F G^T.
std::vector<float> gaussian_matrix(int n, int stride, float sigma, float gain);

// field (height, field_stride(width)) <- g_rows (height, height) * field * g_cols^T, g_cols
// (width, field_stride(width)); the padding columns come out zero. scratch: as large as field.
void smooth_field(const float* g_rows, const float* g_cols, int height, int width, float* field, float* scratch);

}  // namespace cnn
