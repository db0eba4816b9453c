// Pool2d implementation; semantics in pool2d.hpp.
#include "layers/pool2d.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "core/error.hpp"
#include "ops/vec.hpp"

namespace cnn {

Pool2d::Pool2d(const Pool2dConfig& config) : config_(config) {
  CNN_CHECK(config.kernel_h > 0 && config.kernel_w > 0 && config.stride_h > 0 && config.stride_w > 0,
            "pool: window and stride must be positive");
}

Pool2d::Pool2d(const Pool2dConfig& config, PoolMethod forced) : Pool2d(config) { forced_ = forced; }

std::string Pool2d::describe() const {
  return fmt::format("{} {}x{} stride {}x{}{}", kPoolTypeNames.name(config_.type), config_.kernel_h, config_.kernel_w,
                     config_.stride_h, config_.stride_w, config_.padding == Padding::kSame ? " same" : "");
}

Pool2d::Window Pool2d::window(int oh, int ow) const {
  Window w;
  w.h0 = oh * config_.stride_h - pad_top_;
  w.w0 = ow * config_.stride_w - pad_left_;
  w.i0 = std::max(0, -w.h0);
  w.i1 = std::min(config_.kernel_h, height_ - w.h0);
  w.j0 = std::max(0, -w.w0);
  w.j1 = std::min(config_.kernel_w, width_ - w.w0);
  w.inv_count = 1.0f / static_cast<float>((w.i1 - w.i0) * (w.j1 - w.j0));
  return w;
}

namespace {

// Whole vectors of 8 windows need a row of at least 8 outputs (the last vector may overlap the
// one before, never the row before). 8 on every instruction set (Vec8), so the same shapes take the
// same path everywhere.
constexpr int kVectorWindows = kLanes8;

bool pool_method_applies(PoolMethod method, bool max_2x2, int out_w) {
  switch (method) {
    case PoolMethod::kGeneric: return true;
    case PoolMethod::kMax2x2Windows: return max_2x2;
    case PoolMethod::kMax2x2Vectors: return max_2x2 && out_w >= kVectorWindows;
  }
  return false;
}

// The rule: LeNet's 2x2 max pools by their own kernels, whole vectors of windows where a row
// holds one (pool1: 14 outputs a row; forward -35 %, backward -40 % against window by window),
// window by window otherwise (pool2: 5; its backward measured 0.36 us per image with the
// generic scatter against 1.0 writing window by window). Every other pool runs the generic loops.
PoolMethod choose_pool_method(bool max_2x2, int out_w) {
  if (!max_2x2) return PoolMethod::kGeneric;
  return out_w >= kVectorWindows ? PoolMethod::kMax2x2Vectors : PoolMethod::kMax2x2Windows;
}

}  // namespace

Shape Pool2d::setup(const Shape& in) {
  CNN_CHECK_CODE(in.rank() == 3, ExitCode::kUsage, "pool needs a (C, H, W) input, got {}", in.str());
  channels_ = in[0];
  height_ = in[1];
  width_ = in[2];
  if (config_.padding == Padding::kSame) {
    // TensorFlow's rule, as for conv: out = ceil(in / stride), the odd extra row/column of padding
    // at the bottom/right. Every window keeps at least one real element (padding < window).
    out_h_ = (height_ + config_.stride_h - 1) / config_.stride_h;
    out_w_ = (width_ + config_.stride_w - 1) / config_.stride_w;
    pad_top_ = std::max((out_h_ - 1) * config_.stride_h + config_.kernel_h - height_, 0) / 2;
    pad_left_ = std::max((out_w_ - 1) * config_.stride_w + config_.kernel_w - width_, 0) / 2;
    padded_ = (out_h_ - 1) * config_.stride_h + config_.kernel_h > height_ ||
              (out_w_ - 1) * config_.stride_w + config_.kernel_w > width_;
  } else {
    CNN_CHECK_CODE(height_ >= config_.kernel_h && width_ >= config_.kernel_w, ExitCode::kUsage,
                   "pool window {}x{} larger than its input {}x{}", config_.kernel_h, config_.kernel_w, height_, width_);
    out_h_ = (height_ - config_.kernel_h) / config_.stride_h + 1;
    out_w_ = (width_ - config_.kernel_w) / config_.stride_w + 1;
    pad_top_ = pad_left_ = 0;
    padded_ = false;
  }
  method_ = forced_ ? *forced_ : choose_pool_method(is_max_pool_2x2(), out_w_);
  CNN_CHECK(pool_method_applies(method_, is_max_pool_2x2(), out_w_), "pool: method {} does not apply to {} on input {}",
            pool_method_name(method_), describe(), in.str());
  return Shape{channels_, out_h_, out_w_};
}

namespace {

// Max pooling over 2x2 windows with stride 2, LeNet's case, without the generic window loops.
// Same semantics: the first maximum in row-major order wins (the same comparisons in the same
// order as the generic loop, so NaNs behave the same too).
//
// kVectorWindows outputs at a time: two vectors of each input row are split into even and odd
// columns, and the comparisons are selects on whole vectors. A row's last outputs that do not fill
// a vector are done by a last vector that overlaps the one before, not by a scalar epilogue (GCC's
// compared with branches, which random data mispredicts).
VecInt8 even_columns() {
  VecInt8 v;
  for (int i = 0; i < kVectorWindows; ++i) v[i] = 2 * i;
  return v;
}

// 2i: lane i's window starts at column 2i. Filled at start-up, not written as a constant: with the
// constant GCC compiled pool2's window-by-window loop 7 % slower (0.66 against 0.62 us per image in
// layer_timing).
const VecInt8 kEven = even_columns();

// Outputs [0, 8) of the window row at r0 / r1 (16 floats each); `first` is the flat index of r0[0]
// within the sample and `width` the input row length.
inline void max_pool_2x2_lanes(const float* r0, const float* r1, int first, int width, Vec8* y, VecInt8* argmax) {
  const Vec8 a0 = load8(r0), b0 = load8(r0 + kVectorWindows), a1 = load8(r1), b1 = load8(r1 + kVectorWindows);
  const Vec8 top_left = even_lanes(a0, b0), top_right = odd_lanes(a0, b0);
  const Vec8 bottom_left = even_lanes(a1, b1), bottom_right = odd_lanes(a1, b1);
  Vec8 v = top_left;
  VecInt8 best = kEven + first;
  VecInt8 later = top_right > v;
  v = later ? top_right : v;
  best = later ? kEven + (first + 1) : best;
  later = bottom_left > v;
  v = later ? bottom_left : v;
  best = later ? kEven + (first + width) : best;
  later = bottom_right > v;
  v = later ? bottom_right : v;
  best = later ? kEven + (first + width + 1) : best;
  *y = v;
  *argmax = best;
}

// The generic loop's comparisons for one window at r0[w0], r1[w0].
inline void max_pool_2x2_one(const float* r0, const float* r1, int w0, int first, int width, float* y, std::int32_t* argmax) {
  int best = first + w0;
  float v = r0[w0];
  bool later = r0[w0 + 1] > v;
  v = later ? r0[w0 + 1] : v;
  best = later ? first + w0 + 1 : best;
  later = r1[w0] > v;
  v = later ? r1[w0] : v;
  best = later ? first + width + w0 : best;
  later = r1[w0 + 1] > v;
  v = later ? r1[w0 + 1] : v;
  best = later ? first + width + w0 + 1 : best;
  *y = v;
  *argmax = best;
}

// PoolMethod::kMax2x2Windows: window by window.
void max_pool_2x2_windows(const float* x, int planes, int height, int width, int out_h, int out_w, float* y,
                          std::int32_t* argmax) {
  const int plane = height * width;
  for (int c = 0; c < planes; ++c) {
    const float* xc = x + static_cast<std::size_t>(c) * plane;
    for (int oh = 0; oh < out_h; ++oh, y += out_w, argmax += out_w) {
      const float* r0 = xc + 2 * oh * width;
      const float* r1 = r0 + width;
      const int row0 = c * plane + 2 * oh * width;  // flat index of r0[0] within the sample
      // The same loop twice: in the first GCC knows that the row is shorter than a vector and
      // vectorises it 4 windows at a time (pool2, 5 outputs a row: 0.62 us per image, against 0.72
      // when it plans for 8 at a time); the second runs only where a test forces this method.
      if (out_w < kVectorWindows) {
        for (int ow = 0; ow < out_w; ++ow) max_pool_2x2_one(r0, r1, 2 * ow, row0, width, y + ow, argmax + ow);
      } else {
        for (int ow = 0; ow < out_w; ++ow) max_pool_2x2_one(r0, r1, 2 * ow, row0, width, y + ow, argmax + ow);
      }
    }
  }
}

// PoolMethod::kMax2x2Vectors: whole vectors of windows (out_w >= kVectorWindows).
void max_pool_2x2_vectors(const float* x, int planes, int height, int width, int out_h, int out_w, float* y,
                          std::int32_t* argmax) {
  const int plane = height * width;
  for (int c = 0; c < planes; ++c) {
    const float* xc = x + static_cast<std::size_t>(c) * plane;
    for (int oh = 0; oh < out_h; ++oh, y += out_w, argmax += out_w) {
      const float* r0 = xc + 2 * oh * width;
      const float* r1 = r0 + width;
      const int row0 = c * plane + 2 * oh * width;  // flat index of r0[0] within the sample
      // The last vector ends at the row's end and may overlap the one before (the overlapping
      // outputs are written twice with the same values).
      for (int ow = 0;; ow += kVectorWindows) {
        if (ow > out_w - kVectorWindows) ow = out_w - kVectorWindows;
        Vec8 v;
        VecInt8 best;
        max_pool_2x2_lanes(r0 + 2 * ow, r1 + 2 * ow, row0 + 2 * ow, width, &v, &best);
        store8(y + ow, v);
        std::memcpy(argmax + ow, &best, sizeof best);
        if (ow == out_w - kVectorWindows) break;
      }
    }
  }
}

// The same without the argmax, for inference: branch-free, so the compiler vectorises it. The
// comparisons are those of max_pool_2x2, so the values are identical (NaN included).
void max_pool_2x2_values(const float* x, int planes, int height, int width, int out_h, int out_w, float* y) {
  for (int c = 0; c < planes; ++c) {
    const float* xc = x + static_cast<std::size_t>(c) * height * width;
    for (int oh = 0; oh < out_h; ++oh, y += out_w) {
      const float* r0 = xc + 2 * oh * width;
      const float* r1 = r0 + width;
      for (int ow = 0; ow < out_w; ++ow) {
        float v = r0[2 * ow];
        v = r0[2 * ow + 1] > v ? r0[2 * ow + 1] : v;
        v = r1[2 * ow] > v ? r1[2 * ow] : v;
        v = r1[2 * ow + 1] > v ? r1[2 * ow + 1] : v;
        y[ow] = v;
      }
    }
  }
}

// Backward of PoolMethod::kMax2x2Vectors for one sample (rows of at least kVectorWindows outputs): each window's
// gradient goes to its argmax and the window's other inputs get 0, written in whole vectors of
// windows, instead of zero-filling dx and scattering into it (LeNet's pool1 backward -40 %).
// Shorter rows stay with the scatter, which measured faster than window-by-window writes (pool2's
// 5 outputs a row: 0.36 against 1.0 us per image). The selected value gets + 0, as in the
// generic 0 + dy, so that a -0 gradient becomes +0 there too and the bits are those of the
// generic loop. An odd height or width leaves a last row or column that no window covers: it is
// zeroed.
void max_unpool_2x2(const float* dy, const std::int32_t* argmax, int planes, int height, int width, int out_h, int out_w,
                    float* dx) {
  const int plane = height * width;
  for (int c = 0; c < planes; ++c) {
    float* dxc = dx + static_cast<std::size_t>(c) * plane;
    for (int oh = 0; oh < out_h; ++oh, dy += out_w, argmax += out_w) {
      float* r0 = dxc + 2 * oh * width;
      float* r1 = r0 + width;
      const int row0 = c * plane + 2 * oh * width;  // flat index of r0[0] within the sample
      // Whole vectors; the last one may overlap the one before, as in max_pool_2x2_vectors.
      const Vec8 zero{};
      for (int ow = 0;; ow += kVectorWindows) {
        if (ow > out_w - kVectorWindows) ow = out_w - kVectorWindows;
        const Vec8 g = load8(dy + ow);
        VecInt8 at;
        std::memcpy(&at, argmax + ow, sizeof at);
        const VecInt8 top_left = kEven + (row0 + 2 * ow);
        store_interleaved(r0 + 2 * ow, (at == top_left ? g : zero) + zero, (at == top_left + 1 ? g : zero) + zero);
        store_interleaved(r1 + 2 * ow, (at == top_left + width ? g : zero) + zero,
                          (at == top_left + (width + 1) ? g : zero) + zero);
        if (ow == out_w - kVectorWindows) break;
      }
      if (width % 2 != 0) r0[width - 1] = r1[width - 1] = 0.0f;
    }
    if (height % 2 != 0) std::fill(dxc + (height - 1) * width, dxc + plane, 0.0f);
  }
}

}  // namespace

const Tensor& Pool2d::forward(const Tensor& x, Mode mode) {
  const int n = x.shape()[0];
  CNN_CHECK(x.shape() == Shape({n, channels_, height_, width_}), "pool: input {} does not match setup", x.shape().str());
  y_.resize(Shape{n, channels_, out_h_, out_w_});
  backward_ready_ = backward_follows(mode);
  const bool is_max = config_.type == PoolType::kMax;
  if (is_max) argmax_.resize(y_.size());
  if (method_ != PoolMethod::kGeneric) {
    const std::size_t in_block = static_cast<std::size_t>(channels_) * height_ * width_;
    const std::size_t out_block = static_cast<std::size_t>(channels_) * out_h_ * out_w_;
    for (int s = 0; s < n; ++s) {
      if (!backward_ready_) {  // backward cannot follow, so no argmax to keep
        max_pool_2x2_values(x.data() + s * in_block, channels_, height_, width_, out_h_, out_w_, y_.data() + s * out_block);
      } else if (method_ == PoolMethod::kMax2x2Vectors) {
        max_pool_2x2_vectors(x.data() + s * in_block, channels_, height_, width_, out_h_, out_w_, y_.data() + s * out_block,
                             argmax_.data() + s * out_block);
      } else {
        max_pool_2x2_windows(x.data() + s * in_block, channels_, height_, width_, out_h_, out_w_, y_.data() + s * out_block,
                             argmax_.data() + s * out_block);
      }
    }
    return y_;
  }
  const int plane = height_ * width_;
  std::size_t o = 0;
  for (int s = 0; s < n; ++s) {
    const float* xs = x.data() + static_cast<std::size_t>(s) * channels_ * plane;
    for (int c = 0; c < channels_; ++c) {
      const int base = c * plane;
      for (int oh = 0; oh < out_h_; ++oh) {
        for (int ow = 0; ow < out_w_; ++ow, ++o) {
          // The window's real rows [i0, i1) and columns [j0, j1): same padding cuts it at the edges.
          const Window win = window(oh, ow);
          if (is_max) {
            int best = base + (win.h0 + win.i0) * width_ + win.w0 + win.j0;
            float best_value = xs[best];
            for (int i = win.i0; i < win.i1; ++i) {
              for (int j = win.j0; j < win.j1; ++j) {
                const int idx = base + (win.h0 + i) * width_ + win.w0 + j;
                if (xs[idx] > best_value) {  // strict: ties keep the first maximum
                  best_value = xs[idx];
                  best = idx;
                }
              }
            }
            y_[o] = best_value;
            argmax_[o] = best;
          } else {
            float sum = 0.0f;
            for (int i = win.i0; i < win.i1; ++i)
              for (int j = win.j0; j < win.j1; ++j) sum += xs[base + (win.h0 + i) * width_ + win.w0 + j];
            y_[o] = sum * win.inv_count;
          }
        }
      }
    }
  }
  return y_;
}

const Tensor& Pool2d::backward(const Tensor& dy) {
  CNN_CHECK(backward_ready_, "pool: backward needs a forward in training mode");
  CNN_CHECK(dy.shape() == y_.shape(), "pool: gradient {} does not match output {}", dy.shape().str(), y_.shape().str());
  const int n = dy.shape()[0];
  Tensor& dx = input_gradient_buffer();
  dx.resize(Shape{n, channels_, height_, width_});
  const int plane = height_ * width_;
  const int out_plane = out_h_ * out_w_;
  if (method_ == PoolMethod::kMax2x2Vectors) {
    for (int s = 0; s < n; ++s) {
      const std::size_t in_first = static_cast<std::size_t>(s) * channels_ * plane;
      const std::size_t out_first = static_cast<std::size_t>(s) * channels_ * out_plane;
      max_unpool_2x2(dy.data() + out_first, argmax_.data() + out_first, channels_, height_, width_, out_h_, out_w_,
                     dx.data() + in_first);
    }
    return dx;
  }
  dx.fill(0.0f);
  for (int s = 0; s < n; ++s) {
    float* dxs = dx.data() + static_cast<std::size_t>(s) * channels_ * plane;
    const std::size_t first = static_cast<std::size_t>(s) * channels_ * out_plane;
    if (config_.type == PoolType::kMax) {
      for (std::size_t o = first; o < first + static_cast<std::size_t>(channels_) * out_plane; ++o) dxs[argmax_[o]] += dy[o];
      continue;
    }
    for (int c = 0; c < channels_; ++c) {
      for (int oh = 0; oh < out_h_; ++oh) {
        for (int ow = 0; ow < out_w_; ++ow) {
          const Window win = window(oh, ow);
          const float g = dy[first + static_cast<std::size_t>(c) * out_plane + oh * out_w_ + ow] * win.inv_count;
          for (int i = win.i0; i < win.i1; ++i)
            for (int j = win.j0; j < win.j1; ++j) dxs[c * plane + (win.h0 + i) * width_ + win.w0 + j] += g;
        }
      }
    }
  }
  return dx;
}

}  // namespace cnn
