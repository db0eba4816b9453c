#include "quant/inference_run.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "quant/graph_kernels.hpp"

namespace cnn {
namespace {

void relu_in_place(std::vector<float>& y) {
  for (float& v : y) v = v > 0.0f ? v : 0.0f;
}

void run_pool(const InferenceOp& op, const float* x, float* y) {
  const int channels = op.input_shape[0], h = op.input_shape[1], w = op.input_shape[2];
  const int oh = op.shape[1], ow = op.shape[2];
  for (int c = 0; c < channels; ++c) {
    const float* xc = x + static_cast<std::ptrdiff_t>(c) * h * w;
    for (int i = 0; i < oh; ++i)
      for (int j = 0; j < ow; ++j) {
        const WindowBounds b = window_bounds(op.pool, h, w, i, j);
        float best = xc[b.r0 * w + b.s0], sum = 0.0f;
        for (int r = b.r0; r < b.r1; ++r)
          for (int s = b.s0; s < b.s1; ++s) {
            best = std::max(best, xc[r * w + s]);
            sum += xc[r * w + s];
          }
        y[(static_cast<std::ptrdiff_t>(c) * oh + i) * ow + j] = op.pool.max ? best : sum * (1.0f / static_cast<float>(b.count()));
      }
  }
}

void run_global_pool(const InferenceOp& op, const float* x, float* y) {
  const int channels = op.input_shape[0];
  const std::size_t positions = op.input_shape.numel() / static_cast<std::size_t>(channels);
  for (int c = 0; c < channels; ++c) {
    const float* xc = x + static_cast<std::size_t>(c) * positions;
    float best = xc[0], sum = 0.0f;
    for (std::size_t k = 0; k < positions; ++k) {
      best = std::max(best, xc[k]);
      sum += xc[k];
    }
    y[c] = op.kind == InferenceOpKind::kGlobalMaxPool ? best : sum * (1.0f / static_cast<float>(positions));
  }
}

}  // namespace

void run_inference(const InferenceGraph& graph, const float* input, std::vector<std::vector<float>>& values) {
  values.resize(graph.values.size());
  values[0].assign(input, input + graph.input.numel());
  for (std::size_t k = 0; k < graph.ops.size(); ++k) {
    const InferenceOp& op = graph.ops[k];
    std::vector<float>& y = values[k + 1];
    const std::vector<float>& x = values[static_cast<std::size_t>(op.inputs[0])];
    y.assign(op.shape.numel(), 0.0f);
    switch (op.kind) {
      case InferenceOpKind::kConv: {
        const std::size_t positions = y.size() / op.bias.size();
        for (std::size_t f = 0; f < op.bias.size(); ++f) std::fill_n(y.begin() + static_cast<std::ptrdiff_t>(f * positions), positions, op.bias[f]);
        conv_accumulate(op.conv, op.groups, op.shape[0], x.data(), op.weight.data(), y.data());
        break;
      }
      case InferenceOpKind::kDense:
        y = op.bias;
        dense_accumulate(static_cast<int>(y.size()), static_cast<int>(x.size()), x.data(), op.weight.data(), y.data());
        break;
      case InferenceOpKind::kScaleShift: {
        const std::size_t positions = y.size() / op.weight.size();
        for (std::size_t i = 0; i < y.size(); ++i) y[i] = x[i] * op.weight[i / positions] + op.bias[i / positions];
        break;
      }
      case InferenceOpKind::kPool: run_pool(op, x.data(), y.data()); break;
      case InferenceOpKind::kGlobalAvgPool:
      case InferenceOpKind::kGlobalMaxPool: run_global_pool(op, x.data(), y.data()); break;
      case InferenceOpKind::kElementwise: op.function.apply(x.data(), y.data(), y.size()); break;
      case InferenceOpKind::kAdd:
        y = x;
        for (std::size_t i = 1; i < op.inputs.size(); ++i) {
          const std::vector<float>& other = values[static_cast<std::size_t>(op.inputs[i])];
          for (std::size_t e = 0; e < y.size(); ++e) y[e] += other[e];
        }
        break;
      case InferenceOpKind::kConcat: {
        std::size_t at = 0;
        for (int v : op.inputs) {
          const std::vector<float>& part = values[static_cast<std::size_t>(v)];
          std::copy(part.begin(), part.end(), y.begin() + static_cast<std::ptrdiff_t>(at));
          at += part.size();
        }
        CNN_CHECK(at == y.size(), "{}: concat of {} values into {}", op.name, at, y.size());
        break;
      }
    }
    if (op.relu) relu_in_place(y);
  }
}

}  // namespace cnn
