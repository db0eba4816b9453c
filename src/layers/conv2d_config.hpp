// A conv layer's settings as a config or model file gives them, and the names of the ways Conv2d
// can compute its products, with no vector code behind them (layers/conv2d.hpp has the layer).
#pragma once

#include "core/enum_table.hpp"
#include "ops/activation_kind.hpp"

namespace cnn {

// valid: no padding; same: TensorFlow's rule (output ceil(in / stride), the odd extra row/column
// at the bottom/right); explicit: pad_h rows and pad_w columns of zeros on both sides.
enum class Padding { kValid, kSame, kExplicit };
constexpr EnumTable<Padding, 3> kPaddingNames{
    {{{Padding::kValid, "valid"}, {Padding::kSame, "same"}, {Padding::kExplicit, "explicit"}}}};

struct Conv2dConfig {
  int filters = 1;
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  Padding padding = Padding::kValid;
  int pad_h = 0, pad_w = 0;  // only for Padding::kExplicit
  Activation activation = Activation::kNone;
  // PyTorch's groups: the channels and the filters split into `groups` equal blocks, filter block
  // g seeing only channel block g (weight (F, C / groups, kh, kw)); groups = C is depthwise.
  int groups = 1;
  // PyTorch's dilation: kernel taps dilation apart, spanning (k - 1) dilation + 1 pixels.
  int dilation_h = 1, dilation_w = 1;
  bool bias = true;  // false: no bias parameter at all
  // init: whitening: training starts this layer's filters from the training images' patches
  // (train/whitening.hpp) instead of the model's initializer; it must read the network's input.
  bool whitening_init = false;
  // trainable: false: the optimizer leaves the weight and bias as they start (frozen).
  bool trainable = true;
};

// The ways to compute a convolution's products (layers/conv_methods/). Setup picks one from the
// shape by a fixed rule (choose_conv_method in conv_methods/conv_method.cpp); tests may force any
// that applies. All give the same numbers up to float rounding.
enum class ConvMethod {
  kNaive,        // direct loops over the definition: the reference and fallback, never chosen
  kShiftedRows,  // stride 1, groups 1: the own kernels read the padded sample's shifted rows (few filters)
  kPositions,    // stride 1, groups 1: position-major kernels, filters along the vector (more filters)
  kSmallGemm,    // im2col + the own small-matrix kernels, one product per group (few filters, any stride)
  kBlas,         // im2col + OpenBLAS's sgemm, one product per group (more filters, any stride)
};

constexpr ConvMethod kConvMethods[] = {ConvMethod::kNaive, ConvMethod::kShiftedRows, ConvMethod::kPositions,
                                       ConvMethod::kSmallGemm, ConvMethod::kBlas};

constexpr EnumTable<ConvMethod, 5> kConvMethodNames{{{{ConvMethod::kNaive, "naive"},
                                                      {ConvMethod::kShiftedRows, "shifted_rows"},
                                                      {ConvMethod::kPositions, "positions"},
                                                      {ConvMethod::kSmallGemm, "small_gemm"},
                                                      {ConvMethod::kBlas, "blas"}}}};
inline const char* conv_method_name(ConvMethod method) { return kConvMethodNames.name(method); }

}  // namespace cnn
