// Pool2d: max or average pooling over (kh, kw) windows with stride (sh, sw), valid padding.
//
//   x (N, C, H, W) -> y (N, C, OH, OW), OH = floor((H - kh) / sh) + 1
//   max  y = max over the window; backward routes dy to exactly one input, the first maximum in
//        the window's row-major order (its flat index is kept from forward in argmax_).
//   avg  y = mean over the window; backward spreads dy / (kh kw) over every window element.
// Overlapping windows (stride < window) accumulate into dx.
#pragma once

#include <cstdint>
#include <vector>

#include "core/enum_table.hpp"
#include "layers/layer.hpp"
#include "layers/layer_kind.hpp"

namespace cnn {

enum class PoolType { kMax, kAvg };
constexpr EnumTable<PoolType, 2> kPoolTypeNames{{{{PoolType::kMax, "max"}, {PoolType::kAvg, "avg"}}}};

struct Pool2dConfig {
  PoolType type = PoolType::kMax;
  int kernel_h = 2, kernel_w = 2;
  int stride_h = 2, stride_w = 2;
};

class Pool2d : public Layer {
 public:
  explicit Pool2d(const Pool2dConfig& config);
  std::string kind() const override { return "pool"; }
  std::string describe() const override;
  Shape setup(const Shape& in) override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  bool is_max_pool_2x2() const override {
    return config_.type == PoolType::kMax && config_.kernel_h == 2 && config_.kernel_w == 2 && config_.stride_h == 2 &&
           config_.stride_w == 2;
  }

 private:
  Pool2dConfig config_;
  int channels_ = 0, height_ = 0, width_ = 0, out_h_ = 0, out_w_ = 0;
  Tensor y_;                          // (N, C, OH, OW)
  Tensor dx_;                         // (N, C, H, W)
  bool backward_ready_ = false;       // the last forward was in Mode::kTrain
  std::vector<std::int32_t> argmax_;  // (N, C, OH, OW): index within the sample's (C, H, W) block
};

// "pool": {type: max | avg, size, stride: size} (pool2d_kind.cpp).
const LayerKind& pool_layer_kind();

}  // namespace cnn
