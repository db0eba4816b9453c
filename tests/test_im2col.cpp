// Tests of im2col/col2im: a hand-checked unfolding, and the adjoint identity
// <im2col(x), c> = <x, col2im(c)> on random geometries.
#include <catch2/catch.hpp>

#include "core/rng.hpp"
#include "gradcheck.hpp"
#include "ops/im2col.hpp"

using namespace cnn;

TEST_CASE("im2col unfolds a padded 3x3 image by hand", "[im2col]") {
  // x = 1..9 in a 3x3 image, 2x2 kernel, stride 1, one row/column of padding on top/left only.
  ConvGeometry g{1, 3, 3, 2, 2, 1, 1, 1, 1, 3, 3};
  std::vector<float> x{1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<float> col(static_cast<std::size_t>(g.col_rows() * g.col_cols()), -1.0f);
  im2col(g, x.data(), col.data());
  // Row (i=0, j=0) reads x[oh-1][ow-1].
  const std::vector<float> row00{0, 0, 0, 0, 1, 2, 0, 4, 5};
  const std::vector<float> row11{1, 2, 3, 4, 5, 6, 7, 8, 9};
  for (int p = 0; p < 9; ++p) {
    CHECK(col[static_cast<std::size_t>(p)] == row00[static_cast<std::size_t>(p)]);
    CHECK(col[static_cast<std::size_t>(3 * 9 + p)] == row11[static_cast<std::size_t>(p)]);
  }
}

TEST_CASE("col2im is the adjoint of im2col", "[im2col]") {
  Rng rng(11);
  for (int trial = 0; trial < 40; ++trial) {
    ConvGeometry g;
    g.channels = 1 + static_cast<int>(rng.uniform_int(3));
    g.height = 1 + static_cast<int>(rng.uniform_int(9));
    g.width = 1 + static_cast<int>(rng.uniform_int(9));
    g.kernel_h = 1 + static_cast<int>(rng.uniform_int(4));
    g.kernel_w = 1 + static_cast<int>(rng.uniform_int(4));
    g.stride_h = 1 + static_cast<int>(rng.uniform_int(3));
    g.stride_w = 1 + static_cast<int>(rng.uniform_int(3));
    g.pad_top = static_cast<int>(rng.uniform_int(3));
    g.pad_left = static_cast<int>(rng.uniform_int(3));
    const int pad_bottom = static_cast<int>(rng.uniform_int(3)), pad_right = static_cast<int>(rng.uniform_int(3));
    const int span_h = g.height + g.pad_top + pad_bottom - g.kernel_h, span_w = g.width + g.pad_left + pad_right - g.kernel_w;
    if (span_h < 0 || span_w < 0) continue;
    g.out_h = span_h / g.stride_h + 1;
    g.out_w = span_w / g.stride_w + 1;
    const Tensor x = test::random_tensor(Shape{g.channels, g.height, g.width}, rng);
    const Tensor c = test::random_tensor(Shape{g.col_rows(), g.col_cols()}, rng);
    Tensor col(c.shape());
    im2col(g, x.data(), col.data());
    Tensor back(x.shape(), 0.0f);
    col2im(g, c.data(), back.data());
    double lhs = 0, rhs = 0;
    for (std::size_t i = 0; i < c.size(); ++i) lhs += static_cast<double>(col[i]) * c[i];
    for (std::size_t i = 0; i < x.size(); ++i) rhs += static_cast<double>(x[i]) * back[i];
    INFO("trial " << trial);
    CHECK(lhs == Approx(rhs).epsilon(1e-5).margin(1e-5));
  }
}
