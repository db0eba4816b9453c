// The small gemm kernels against a naive loop, on sizes that exercise every tile and tail.
#include <catch2/catch.hpp>

#include "core/rng.hpp"
#include "ops/small_gemm.hpp"

using namespace cnn;

TEST_CASE("gemm_nn and gemm_nt match the naive product on odd sizes", "[small_gemm]") {
  Rng rng(12);
  const int sizes[][3] = {{1, 1, 1}, {6, 784, 25}, {16, 100, 150}, {150, 100, 16}, {5, 47, 3}, {7, 16, 33}, {3, 31, 17},
                          {9, 65, 1}, {4, 32, 64}, {2, 15, 100}};
  for (const auto& s : sizes) {
    const int m = s[0], n = s[1], k = s[2];
    std::vector<float> a(static_cast<std::size_t>(m * (k + 3))), b(static_cast<std::size_t>((k + 1) * (n + 2))),
        bt(static_cast<std::size_t>(n * (k + 5))), c(static_cast<std::size_t>(m * (n + 4)));
    for (auto* v : {&a, &b, &bt, &c})
      for (float& x : *v) x = rng.uniform(-1, 1);
    const int lda = k + 3, ldb = n + 2, ldbt = k + 5, ldc = n + 4;
    for (bool accumulate : {false, true}) {
      std::vector<float> out = c;
      gemm_nn(m, n, k, a.data(), lda, b.data(), ldb, out.data(), ldc, accumulate);
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j) {
          double sum = accumulate ? c[static_cast<std::size_t>(i * ldc + j)] : 0.0;
          for (int p = 0; p < k; ++p) sum += static_cast<double>(a[static_cast<std::size_t>(i * lda + p)]) * b[static_cast<std::size_t>(p * ldb + j)];
          INFO("nn m=" << m << " n=" << n << " k=" << k << " i=" << i << " j=" << j);
          REQUIRE(out[static_cast<std::size_t>(i * ldc + j)] == Approx(sum).epsilon(1e-5).margin(1e-5));
        }
    }
    std::vector<float> out = c;
    gemm_nt(m, n, k, a.data(), lda, bt.data(), ldbt, out.data(), ldc);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        double sum = c[static_cast<std::size_t>(i * ldc + j)];
        for (int p = 0; p < k; ++p) sum += static_cast<double>(a[static_cast<std::size_t>(i * lda + p)]) * bt[static_cast<std::size_t>(j * ldbt + p)];
        INFO("nt m=" << m << " n=" << n << " k=" << k << " i=" << i << " j=" << j);
        REQUIRE(out[static_cast<std::size_t>(i * ldc + j)] == Approx(sum).epsilon(1e-5).margin(1e-5));
      }
    // Nothing outside C's m x n block is touched.
    for (int i = 0; i < m; ++i)
      for (int j = n; j < ldc; ++j) REQUIRE(out[static_cast<std::size_t>(i * ldc + j)] == c[static_cast<std::size_t>(i * ldc + j)]);
  }
}

TEST_CASE("gemm_nn_rows, gemm_nn_add_rows and gemm_nt_rows take B or C as a table of overlapping row starts", "[small_gemm]") {
  // B's rows are shifted windows of one buffer, as the stride-1 convolution uses them.
  Rng rng(13);
  const int sizes[][3] = {{6, 896, 25}, {4, 140, 150}, {7, 37, 9}, {1, 5, 3}, {16, 150, 140}};
  for (const auto& s : sizes) {
    const int m = s[0], n = s[1], k = s[2];
    std::vector<float> a(static_cast<std::size_t>(m * (k + 2))), source(static_cast<std::size_t>(3 * k + n + 8)),
        c(static_cast<std::size_t>(m * (n + 3)));
    std::vector<int> rows(static_cast<std::size_t>(k));
    for (int p = 0; p < k; ++p) rows[static_cast<std::size_t>(p)] = static_cast<int>(rng.uniform_int(static_cast<std::uint64_t>(3 * k + 8)));
    for (auto* v : {&a, &source, &c})
      for (float& x : *v) x = rng.uniform(-1, 1);
    const int lda = k + 2, ldc = n + 3;
    auto b = [&](int p, int j) { return static_cast<double>(source[static_cast<std::size_t>(rows[static_cast<std::size_t>(p)] + j)]); };
    std::vector<float> out = c;
    gemm_nn_rows(m, n, k, a.data(), lda, source.data(), rows.data(), out.data(), ldc, true);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        double sum = c[static_cast<std::size_t>(i * ldc + j)];
        for (int p = 0; p < k; ++p) sum += a[static_cast<std::size_t>(i * lda + p)] * b(p, j);
        INFO("nn_rows m=" << m << " n=" << n << " k=" << k << " i=" << i << " j=" << j);
        REQUIRE(out[static_cast<std::size_t>(i * ldc + j)] == Approx(sum).epsilon(1e-5).margin(1e-5));
      }
    // add_rows: C's rows are overlapping windows of one buffer and every product row adds into its
    // window: an element covered by several rows receives all of their contributions.
    {
      const int ldb = n + 1;
      std::vector<float> dense_b(static_cast<std::size_t>(k * ldb)), target(static_cast<std::size_t>(2 * m + n + 8));
      std::vector<int> c_rows(static_cast<std::size_t>(m));
      for (int i = 0; i < m; ++i) c_rows[static_cast<std::size_t>(i)] = static_cast<int>(rng.uniform_int(static_cast<std::uint64_t>(2 * m + 8)));
      for (auto* v : {&dense_b, &target})
        for (float& x : *v) x = rng.uniform(-1, 1);
      std::vector<double> expected(target.begin(), target.end());
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j) {
          double sum = 0.0;
          for (int p = 0; p < k; ++p) sum += a[static_cast<std::size_t>(i * lda + p)] * static_cast<double>(dense_b[static_cast<std::size_t>(p * ldb + j)]);
          expected[static_cast<std::size_t>(c_rows[static_cast<std::size_t>(i)] + j)] += sum;
        }
      gemm_nn_add_rows(m, n, k, a.data(), lda, dense_b.data(), ldb, target.data(), c_rows.data());
      for (std::size_t e = 0; e < target.size(); ++e) {
        INFO("add_rows m=" << m << " n=" << n << " k=" << k << " element " << e);
        REQUIRE(target[e] == Approx(expected[e]).epsilon(1e-5).margin(1e-4));
      }
    }
    // nt: C(m x k) += A'(m x n) Bᵀ, B's row p (length n) from the table; A' is m x n with ld n + 1.
    std::vector<float> a2(static_cast<std::size_t>(m * (n + 1))), c2(static_cast<std::size_t>(m * (k + 1)));
    for (auto* v : {&a2, &c2})
      for (float& x : *v) x = rng.uniform(-1, 1);
    std::vector<float> out2 = c2;
    gemm_nt_rows(m, k, n, a2.data(), n + 1, source.data(), rows.data(), out2.data(), k + 1);
    for (int i = 0; i < m; ++i)
      for (int p = 0; p < k; ++p) {
        double sum = c2[static_cast<std::size_t>(i * (k + 1) + p)];
        for (int j = 0; j < n; ++j) sum += a2[static_cast<std::size_t>(i * (n + 1) + j)] * b(p, j);
        INFO("nt_rows m=" << m << " n=" << n << " k=" << k << " i=" << i << " p=" << p);
        REQUIRE(out2[static_cast<std::size_t>(i * (k + 1) + p)] == Approx(sum).epsilon(1e-5).margin(1e-4));
      }
  }
}
