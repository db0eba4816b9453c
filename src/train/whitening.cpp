// Patch whitening; see whitening.hpp.
#include "train/whitening.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "runtime/network_input.hpp"

namespace cnn {

void symmetric_eigen(std::vector<double> a, int n, std::vector<double>& values, std::vector<double>& vectors) {
  const auto at = [n](int r, int c) { return static_cast<std::size_t>(r) * n + c; };
  std::vector<double> v(static_cast<std::size_t>(n) * n, 0.0);
  for (int i = 0; i < n; ++i) v[at(i, i)] = 1.0;
  double total = 0.0;
  for (double x : a) total += x * x;
  // Each sweep rotates every off-diagonal pair to zero (A' = Jᵀ A J, V' = V J); the off-diagonal
  // mass falls quadratically once small, so a few sweeps reach double precision.
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0.0;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) off += a[at(p, q)] * a[at(p, q)];
    if (off <= 1e-30 * total) break;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) {
        const double apq = a[at(p, q)];
        if (apq == 0.0) continue;
        const double theta = (a[at(q, q)] - a[at(p, p)]) / (2.0 * apq);
        const double t = (theta >= 0.0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
        for (int k = 0; k < n; ++k) {  // columns p and q
          const double kp = a[at(k, p)], kq = a[at(k, q)];
          a[at(k, p)] = c * kp - s * kq;
          a[at(k, q)] = s * kp + c * kq;
        }
        for (int k = 0; k < n; ++k) {  // rows p and q
          const double pk = a[at(p, k)], qk = a[at(q, k)];
          a[at(p, k)] = c * pk - s * qk;
          a[at(q, k)] = s * pk + c * qk;
        }
        for (int k = 0; k < n; ++k) {
          const double kp = v[at(k, p)], kq = v[at(k, q)];
          v[at(k, p)] = c * kp - s * kq;
          v[at(k, q)] = s * kp + c * kq;
        }
      }
  }
  std::vector<int> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int i, int j) { return a[at(i, i)] > a[at(j, j)]; });
  values.assign(static_cast<std::size_t>(n), 0.0);
  vectors.assign(static_cast<std::size_t>(n) * n, 0.0);
  for (int r = 0; r < n; ++r) {
    const int col = order[static_cast<std::size_t>(r)];
    values[static_cast<std::size_t>(r)] = a[at(col, col)];
    int largest = 0;
    for (int k = 1; k < n; ++k)
      if (std::abs(v[at(k, col)]) > std::abs(v[at(largest, col)])) largest = k;
    const double sign = v[at(largest, col)] < 0.0 ? -1.0 : 1.0;
    for (int k = 0; k < n; ++k) vectors[at(r, k)] = sign * v[at(k, col)];
  }
}

std::vector<double> patch_second_moment(const Tensor& x, int kh, int kw) {
  const int n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], w = x.shape()[3];
  CNN_CHECK(h >= kh && w >= kw, "the whitening patches ({}x{}) are larger than the input ({}x{})", kh, kw, h, w);
  const int d = c * kh * kw;
  std::vector<double> sum(static_cast<std::size_t>(d) * d, 0.0);
  std::vector<double> patch(static_cast<std::size_t>(d));
  const float* data = x.data();
  std::int64_t patches = 0;
  for (int img = 0; img < n; ++img)
    for (int y = 0; y + kh <= h; ++y)
      for (int xx = 0; xx + kw <= w; ++xx) {
        std::size_t k = 0;
        for (int ch = 0; ch < c; ++ch)
          for (int i = 0; i < kh; ++i)
            for (int j = 0; j < kw; ++j)
              patch[k++] = data[((static_cast<std::size_t>(img) * c + ch) * h + y + i) * w + xx + j];
        for (int r = 0; r < d; ++r)  // the upper triangle; mirrored below
          for (int col = r; col < d; ++col) sum[static_cast<std::size_t>(r) * d + col] += patch[r] * patch[col];
        ++patches;
      }
  for (int r = 0; r < d; ++r)
    for (int col = r; col < d; ++col) {
      const double m = sum[static_cast<std::size_t>(r) * d + col] / static_cast<double>(std::max<std::int64_t>(patches, 1));
      sum[static_cast<std::size_t>(r) * d + col] = m;
      sum[static_cast<std::size_t>(col) * d + r] = m;
    }
  return sum;
}

void whitening_filters(const std::vector<double>& second_moment, double eps, Tensor& weight) {
  const int f = weight.shape()[0];
  const int d = weight.shape()[1] * weight.shape()[2] * weight.shape()[3];
  CNN_CHECK(second_moment.size() == static_cast<std::size_t>(d) * d, "whitening: a {}x{} second moment for {} weights per filter",
            d, d, d);
  CNN_CHECK(f == d || f == 2 * d, "whitening needs {} or {} filters, not {}", d, 2 * d, f);
  std::vector<double> values, vectors;
  symmetric_eigen(second_moment, d, values, vectors);
  float* out = weight.data();
  for (int i = 0; i < d; ++i) {
    // A second moment is positive semi-definite: a negative value is rounding, read as 0.
    const double scale = 1.0 / std::sqrt(std::max(values[static_cast<std::size_t>(i)], 0.0) + eps);
    for (int k = 0; k < d; ++k) {
      const float value = static_cast<float>(vectors[static_cast<std::size_t>(i) * d + k] * scale);
      out[static_cast<std::size_t>(i) * d + k] = value;
      if (f == 2 * d) out[static_cast<std::size_t>(i + d) * d + k] = -value;
    }
  }
}

void whiten_first_layer(const ImageSet& images, int training, const Shape& input, const Normalization& normalization,
                        Tensor& weight, int count, double eps) {
  const int n = std::min(count, training);
  CNN_CHECK_CODE(n > 0, ExitCode::kUsage, "init: whitening needs training images");
  std::vector<std::uint32_t> first(static_cast<std::size_t>(n));
  std::iota(first.begin(), first.end(), 0u);
  Tensor x;
  fill_batch(images, {}, first.data(), n, input, x, nullptr, normalization);
  whitening_filters(patch_second_moment(x, weight.shape()[2], weight.shape()[3]), eps, weight);
}

}  // namespace cnn
