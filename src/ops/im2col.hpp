// im2col / col2im: unfold a padded, strided, dilated image into columns so convolution becomes
// one sgemm (one per group of a grouped convolution: group g's rows are the contiguous block of
// its channels, layers/conv_methods/im2col_method.hpp).
//
//   col[(c * kh + i) * kw + j][oh * out_w + ow] = x[c][oh * sh - pad_top + i * dh][ow * sw - pad_left + j * dw]
//
// with zero outside the image. x is one sample (C, H, W); col is (C*kh*kw) x (out_h*out_w). A
// dilated kernel (dilation dh, dw) spans (kh - 1) dh + 1 rows and (kw - 1) dw + 1 columns.
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
  int dilation_h = 1, dilation_w = 1;

  int col_rows() const { return channels * kernel_h * kernel_w; }  // K (all channels)
  int col_cols() const { return out_h * out_w; }                     // P
  // The rows and columns of the image one output position reads: the dilated kernel's extent.
  int extent_h() const { return (kernel_h - 1) * dilation_h + 1; }
  int extent_w() const { return (kernel_w - 1) * dilation_w + 1; }
};

void im2col(const ConvGeometry& g, const float* x, float* col);
void col2im(const ConvGeometry& g, const float* col, float* dx);

}  // namespace cnn
