// Tests of the sgemm wrapper against a naive triple loop.
#include <catch2/catch.hpp>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "ops/blas.hpp"

using namespace cnn;

namespace {

// C = alpha op(A) op(B) + beta C, the definition itself.
void naive_sgemm(bool ta, bool tb, int m, int n, int k, float alpha, const std::vector<float>& a, int lda,
                 const std::vector<float>& b, int ldb, float beta, std::vector<float>& c, int ldc) {
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      double sum = 0.0;
      for (int p = 0; p < k; ++p) {
        const float av = ta ? a[p * lda + i] : a[i * lda + p];
        const float bv = tb ? b[j * ldb + p] : b[p * ldb + j];
        sum += static_cast<double>(av) * bv;
      }
      c[i * ldc + j] = static_cast<float>(alpha * sum + beta * c[i * ldc + j]);
    }
  }
}

std::vector<float> random_vector(Rng& rng, std::size_t n) {
  std::vector<float> v(n);
  for (auto& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

}  // namespace

TEST_CASE("sgemm matches the naive loop for all transposes and odd sizes", "[blas]") {
  Rng rng(3);
  const int sizes[][3] = {{1, 1, 1}, {3, 5, 7}, {17, 1, 13}, {1, 19, 4}, {33, 31, 29}, {64, 65, 63}};
  for (const auto& s : sizes) {
    const int m = s[0], n = s[1], k = s[2];
    for (bool ta : {false, true}) {
      for (bool tb : {false, true}) {
        // Leading dimensions wider than needed, to check that they are honoured.
        const int lda = (ta ? m : k) + 2, ldb = (tb ? k : n) + 1, ldc = n + 3;
        const auto a = random_vector(rng, static_cast<std::size_t>((ta ? k : m) * lda));
        const auto b = random_vector(rng, static_cast<std::size_t>((tb ? n : k) * ldb));
        auto c = random_vector(rng, static_cast<std::size_t>(m * ldc));
        auto expected = c;
        sgemm(ta ? Trans::kYes : Trans::kNo, tb ? Trans::kYes : Trans::kNo, m, n, k, 0.75f, a.data(), lda,
              b.data(), ldb, 0.5f, c.data(), ldc);
        naive_sgemm(ta, tb, m, n, k, 0.75f, a, lda, b, ldb, 0.5f, expected, ldc);
        INFO("m=" << m << " n=" << n << " k=" << k << " ta=" << ta << " tb=" << tb);
        for (int i = 0; i < m; ++i)
          for (int j = 0; j < n; ++j) REQUIRE(c[i * ldc + j] == Approx(expected[i * ldc + j]).margin(1e-5));
      }
    }
  }
}

TEST_CASE("sgemm rejects inconsistent leading dimensions", "[blas]") {
  std::vector<float> a(6), b(6), c(4);
  CHECK_THROWS_AS(sgemm(Trans::kNo, Trans::kNo, 2, 2, 3, 1.0f, a.data(), 2, b.data(), 2, 0.0f, c.data(), 2), Error);
  CHECK_THROWS_AS(sgemm(Trans::kNo, Trans::kNo, 2, 2, 3, 1.0f, a.data(), 3, b.data(), 2, 0.0f, c.data(), 1), Error);
  CHECK_NOTHROW(sgemm(Trans::kNo, Trans::kNo, 2, 2, 3, 1.0f, a.data(), 3, b.data(), 2, 0.0f, c.data(), 2));
}

TEST_CASE("set_blas_threads controls OpenBLAS's pool", "[blas]") {
  const int before = blas_threads();
  set_blas_threads(1);
  CHECK(blas_threads() == 1);
  CHECK_THROWS_AS(set_blas_threads(0), Error);
  set_blas_threads(before);
}
