// im2col / col2im: unfold a padded, strided image into columns so convolution becomes one sgemm.
//
//   col[(c * kh + i) * kw + j][oh * out_w + ow] = x[c][oh * sh - pad_top + i][ow * sw - pad_left + j]
//
// with zero outside the image. x is one sample (C, H, W); col is (C*kh*kw) x (out_h*out_w).
// Padding at the bottom/right is implied by out_h/out_w (TensorFlow's `same` puts the extra row
// there). col2im is the adjoint: it ADDS every column entry back into its pixel, so zero dx first.
#pragma once

namespace cnn {

struct ConvGeometry {
  int channels = 0, height = 0, width = 0;  // input (C, H, W)
  int kernel_h = 0, kernel_w = 0;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0;
  int out_h = 0, out_w = 0;

  int col_rows() const { return channels * kernel_h * kernel_w; }  // K
  int col_cols() const { return out_h * out_w; }                     // P
};

void im2col(const ConvGeometry& g, const float* x, float* col);
void col2im(const ConvGeometry& g, const float* col, float* dx);

}  // namespace cnn
