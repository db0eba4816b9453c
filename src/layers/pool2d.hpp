// Pool2d: max or average pooling over (kh, kw) windows with stride (sh, sw), valid or same padding.
//
//   x (N, C, H, W) -> y (N, C, OH, OW), OH = floor((H - kh) / sh) + 1 (valid)
//                                       OH = ceil(H / sh) (same: TensorFlow's rule, as for conv;
//                                       the odd extra padding row/column at the bottom/right)
//   max  y = max over the window's real elements (padding never wins); backward routes dy to
//        exactly one input, the first maximum in the window's row-major order (its flat index is
//        kept from forward in argmax_).
//   avg  y = mean over the window's real elements (same padding: the count excludes the padding,
//        as TensorFlow's AveragePooling2D); backward spreads dy / count over them.
// Overlapping windows (stride < window) accumulate into dx.
//
// Three methods, picked by setup from the shape (choose_pool_method in pool2d.cpp; tests can force
// any that applies), all bit-identical (the same comparisons in the same order, NaN and -0
// included):
//   generic         window loops for any window and stride; backward scatters into a zeroed dx
//   max2x2_windows  2x2 stride-2 max, window by window (rows of fewer than 8 outputs, such as a
//                   10x10 map's 5); backward as generic
//   max2x2_vectors  2x2 stride-2 max, 8 windows at a time along a row (rows of at least 8 outputs,
//                   such as a 28x28 map's 14, on every instruction set); backward writes whole rows
//                   of dx
// At inference both 2x2 methods take the maximum without the argmax.
// An unpadded 2x2 stride-2 max pool right after a conv that runs a stride-1 method with ReLU or no
// activation (LeNet-5's two pools) does not run here: Net::forward lets the conv compute the pooled
// output itself, in training and at inference (layers/conv_methods/stride1_method.hpp,
// ops/fused_pool.hpp). These methods serve the other pools: after a batch norm or activation layer,
// after a conv with another activation or stride, and `layer_timing --unfused`.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/enum_table.hpp"
#include "layers/conv2d_config.hpp"
#include "layers/layer.hpp"
#include "layers/layer_kind.hpp"

namespace cnn {

enum class PoolType { kMax, kAvg };
constexpr EnumTable<PoolType, 2> kPoolTypeNames{{{{PoolType::kMax, "max"}, {PoolType::kAvg, "avg"}}}};

struct Pool2dConfig {
  PoolType type = PoolType::kMax;
  int kernel_h = 2, kernel_w = 2;
  int stride_h = 2, stride_w = 2;
  Padding padding = Padding::kValid;  // valid or same (not explicit)
};

enum class PoolMethod { kGeneric, kMax2x2Windows, kMax2x2Vectors };
constexpr PoolMethod kPoolMethods[] = {PoolMethod::kGeneric, PoolMethod::kMax2x2Windows, PoolMethod::kMax2x2Vectors};
// "generic", "max2x2_windows", "max2x2_vectors".
constexpr EnumTable<PoolMethod, 3> kPoolMethodNames{{{{PoolMethod::kGeneric, "generic"},
                                                      {PoolMethod::kMax2x2Windows, "max2x2_windows"},
                                                      {PoolMethod::kMax2x2Vectors, "max2x2_vectors"}}}};
inline const char* pool_method_name(PoolMethod method) { return kPoolMethodNames.name(method); }

class Pool2d : public Layer {
 public:
  explicit Pool2d(const Pool2dConfig& config);
  // Runs `forced` instead of the rule's choice; setup throws when it does not apply to the shape.
  Pool2d(const Pool2dConfig& config, PoolMethod forced);
  std::string kind() const override { return "pool"; }
  std::string describe() const override;
  Shape setup(const Shape& in) override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  bool backward_reads_input() const override { return false; }
  bool is_max_pool_2x2() const override {
    return config_.type == PoolType::kMax && config_.kernel_h == 2 && config_.kernel_w == 2 && config_.stride_h == 2 &&
           config_.stride_w == 2 && !padded_;
  }
  PoolMethod method() const { return method_; }  // set by setup
  PositionMap output_positions() const override {
    return {static_cast<double>(config_.stride_h), -pad_top_ + (config_.kernel_h - 1) / 2.0,
            static_cast<double>(config_.stride_w), -pad_left_ + (config_.kernel_w - 1) / 2.0};
  }

 private:
  // One output's window: it starts at input row h0 and column w0 (negative in the top/left
  // padding); its real elements are rows h0 + [i0, i1) and columns w0 + [j0, j1).
  struct Window {
    int h0, w0, i0, i1, j0, j1;
    float inv_count;  // 1 / the number of real elements
  };
  Window window(int oh, int ow) const;

  Pool2dConfig config_;
  std::optional<PoolMethod> forced_;
  int pad_top_ = 0, pad_left_ = 0;  // same padding's rows above and columns left of the input
  bool padded_ = false;             // same padding added any row or column (set by setup)
  PoolMethod method_ = PoolMethod::kGeneric;  // set by setup
  int channels_ = 0, height_ = 0, width_ = 0, out_h_ = 0, out_w_ = 0;
  Tensor y_;                          // (N, C, OH, OW)
  bool backward_ready_ = false;       // the last forward was in Mode::kTrain
  std::vector<std::int32_t> argmax_;  // (N, C, OH, OW): index within the sample's (C, H, W) block
};

// "pool": {type: max | avg, size, stride: size} (pool2d_kind.cpp).
const LayerKind& pool_layer_kind();

}  // namespace cnn
