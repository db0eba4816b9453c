#include "quant/int8_run.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "quant/graph_kernels.hpp"

namespace cnn {
namespace {

// y = z_y + round(acc m / 2^shift) per output channel, clamped at the op's floor.
void requantize_channels(const QuantizedOp& q, int zy, const std::vector<std::int32_t>& acc, std::vector<std::int8_t>& y) {
  const std::size_t positions = acc.size() / q.requantize.size();
  for (std::size_t i = 0; i < acc.size(); ++i) {
    const FixedMultiplier& m = q.requantize[i / positions];
    y[i] = saturate_int8(zy + round_shift(static_cast<std::int64_t>(acc[i]) * m.m, m.shift), q.low);
  }
}

std::vector<std::int32_t> less_zero_point(const std::vector<std::int8_t>& x, int z) {
  std::vector<std::int32_t> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = x[i] - z;
  return out;
}

void run_pool(const InferenceOp& op, int z, const std::int8_t* x, std::int8_t* y) {
  const int channels = op.input_shape[0], h = op.input_shape[1], w = op.input_shape[2];
  const int oh = op.shape[1], ow = op.shape[2];
  for (int c = 0; c < channels; ++c) {
    const std::int8_t* xc = x + static_cast<std::ptrdiff_t>(c) * h * w;
    for (int i = 0; i < oh; ++i)
      for (int j = 0; j < ow; ++j) {
        const WindowBounds b = window_bounds(op.pool, h, w, i, j);
        int best = xc[b.r0 * w + b.s0], sum = 0;
        for (int r = b.r0; r < b.r1; ++r)
          for (int s = b.s0; s < b.s1; ++s) {
            best = std::max<int>(best, xc[r * w + s]);
            sum += xc[r * w + s] - z;
          }
        y[(static_cast<std::ptrdiff_t>(c) * oh + i) * ow + j] =
            static_cast<std::int8_t>(op.pool.max ? best : saturate_int8(z + rounded_mean(sum, b.count()), -128));
      }
  }
}

void run_global_pool(const InferenceOp& op, int z, const std::int8_t* x, std::int8_t* y) {
  const int channels = op.input_shape[0];
  const int positions = static_cast<int>(op.input_shape.numel()) / channels;
  for (int c = 0; c < channels; ++c) {
    const std::int8_t* xc = x + static_cast<std::ptrdiff_t>(c) * positions;
    int best = xc[0], sum = 0;
    for (int k = 0; k < positions; ++k) {
      best = std::max<int>(best, xc[k]);
      sum += xc[k] - z;
    }
    y[c] = op.kind == InferenceOpKind::kGlobalMaxPool ? static_cast<std::int8_t>(best) : saturate_int8(z + rounded_mean(sum, positions), -128);
  }
}

}  // namespace

int run_int8(const QuantizedGraph& q, const std::uint8_t* pixels, std::vector<std::vector<std::int8_t>>& values) {
  const InferenceGraph& g = q.graph;
  values.resize(g.values.size());
  const std::size_t input_size = g.input.numel(), plane = g.input.rank() == 3 ? input_size / static_cast<std::size_t>(g.input[0]) : input_size;
  values[0].resize(input_size);
  for (std::size_t i = 0; i < input_size; ++i) values[0][i] = q.input_table[(i / plane) * 256 + pixels[i]];
  for (std::size_t k = 0; k < g.ops.size(); ++k) {
    const InferenceOp& op = g.ops[k];
    const QuantizedOp& qop = q.ops[k];
    const int zx = q.values[static_cast<std::size_t>(op.inputs[0])].zero_point, zy = q.values[k + 1].zero_point;
    const std::vector<std::int8_t>& x = values[static_cast<std::size_t>(op.inputs[0])];
    std::vector<std::int8_t>& y = values[k + 1];
    y.assign(op.shape.numel(), 0);
    switch (op.kind) {
      case InferenceOpKind::kConv: {
        std::vector<std::int32_t> acc(y.size());
        const std::size_t positions = y.size() / qop.bias.size();
        for (std::size_t i = 0; i < acc.size(); ++i) acc[i] = qop.bias[i / positions];
        conv_accumulate(op.conv, op.groups, op.shape[0], less_zero_point(x, zx).data(), qop.weight.data(), acc.data());
        requantize_channels(qop, zy, acc, y);
        break;
      }
      case InferenceOpKind::kDense: {
        std::vector<std::int32_t> acc = qop.bias;
        dense_accumulate(static_cast<int>(y.size()), static_cast<int>(x.size()), less_zero_point(x, zx).data(), qop.weight.data(), acc.data());
        requantize_channels(qop, zy, acc, y);
        break;
      }
      case InferenceOpKind::kScaleShift: {
        std::vector<std::int32_t> acc(y.size());
        const std::size_t positions = y.size() / qop.bias.size();
        for (std::size_t i = 0; i < acc.size(); ++i) acc[i] = (x[i] - zx) * qop.weight[i / positions] + qop.bias[i / positions];
        requantize_channels(qop, zy, acc, y);
        break;
      }
      case InferenceOpKind::kPool: run_pool(op, zx, x.data(), y.data()); break;
      case InferenceOpKind::kGlobalAvgPool:
      case InferenceOpKind::kGlobalMaxPool: run_global_pool(op, zx, x.data(), y.data()); break;
      case InferenceOpKind::kElementwise:
        for (std::size_t i = 0; i < y.size(); ++i) y[i] = qop.table[static_cast<std::size_t>(x[i] + 128)];
        break;
      case InferenceOpKind::kAdd:
        for (std::size_t i = 0; i < y.size(); ++i) {
          std::int64_t sum = 0;
          for (std::size_t in = 0; in < op.inputs.size(); ++in) {
            const int v = op.inputs[in];
            sum += static_cast<std::int64_t>(values[static_cast<std::size_t>(v)][i] - q.values[static_cast<std::size_t>(v)].zero_point) *
                   qop.rescale.m[in];
          }
          y[i] = saturate_int8(zy + round_shift(sum, qop.rescale.shift), qop.low);
        }
        break;
      case InferenceOpKind::kConcat: {
        std::size_t at = 0;
        for (std::size_t in = 0; in < op.inputs.size(); ++in) {
          const int v = op.inputs[in];
          const std::vector<std::int8_t>& part = values[static_cast<std::size_t>(v)];
          const int zv = q.values[static_cast<std::size_t>(v)].zero_point;
          for (std::size_t i = 0; i < part.size(); ++i)
            y[at + i] = saturate_int8(zy + round_shift(static_cast<std::int64_t>(part[i] - zv) * qop.rescale.m[in], qop.rescale.shift), -128);
          at += part.size();
        }
        break;
      }
    }
  }
  const std::vector<std::int8_t>& logits = values[static_cast<std::size_t>(g.output)];
  return static_cast<int>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

}  // namespace cnn
