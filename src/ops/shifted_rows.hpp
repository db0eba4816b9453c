// Stride-1 convolution without im2col. Once a sample is zero-padded into (C, HP, WP) planes,
// HP = OH + (kh - 1) dh and WP = OW + (kw - 1) dw (dilation dh, dw; 1 for a plain kernel), every
// row of the im2col matrix is a run of memory: evaluated on the "wide" output grid of OH x WP
// positions (position oh * WP + ow), row (c, i, j) of col starts at c * HP * WP + i dh * WP + j dw
// of the padded sample. A matrix product that takes B by row starts (ops/small_gemm.hpp,
// gemm_*_rows) then reads the padded sample in place. The wide grid's last WP - OW positions of
// each row fall on the next row's pixels: their outputs are thrown away in forward, and their
// output gradients are held at zero in backward so they add nothing to dW.
//
//   forward   wide(F x OH*WP) = W(F x K) rows(padded);  y = wide's first OW of every WP, + b
//   backward  dW(F x K) += dz_wide rowsᵀ;
//             dpadded[start(p) + q] += (Wᵀ dz_wide)[p][q]  (small_gemm's gemm_nn_add_rows);
//             dx = the image inside dpadded
#pragma once

#include <cstddef>

#include "ops/im2col.hpp"
#include "ops/vec.hpp"

namespace cnn {

inline int padded_height(const ConvGeometry& g) { return g.out_h + g.extent_h() - 1; }
inline int padded_width(const ConvGeometry& g) { return g.out_w + g.extent_w() - 1; }
inline int wide_size(const ConvGeometry& g) { return g.out_h * padded_width(g); }
// The wide grid's row length in the gradient buffers: wide_size rounded up to the kernels' tile
// width (two vectors), so that the products over it run in whole tiles with no scalar tail (the
// extra positions hold zero gradients).
inline int wide_stride(const ConvGeometry& g) { return (wide_size(g) + 2 * kLanes - 1) / (2 * kLanes) * (2 * kLanes); }
// The padded sample's floats, plus what the last rows' wide positions (up to wide_stride) read past it.
std::size_t padded_size(const ConvGeometry& g);

// rows[p] for p = (c * kh + i) * kw + j: where row p of col starts in the padded sample (K entries).
void shifted_row_starts(const ConvGeometry& g, int* rows);
// Copies the image x (C, H, W) into the interior of padded; the border is left as it is (zero it once).
void fill_padded_interior(const ConvGeometry& g, const float* x, float* padded);
// dx (C, H, W) = the image's part of padded; pixels the convolution never reads get 0.
void crop_padded(const ConvGeometry& g, const float* padded, float* dx);

}  // namespace cnn
