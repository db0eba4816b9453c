// Tests of im2col/col2im: hand-checked unfoldings (plain and dilated), every entry against the
// definition and the adjoint identity <im2col(x), c> = <x, col2im(c)> on random geometries,
// dilated ones included.
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

TEST_CASE("im2col unfolds a dilated kernel by hand", "[im2col]") {
  // x = 1..20 in a 4x5 image, 2x2 kernel with dilation 2 (rows) and 3 (columns): it spans 3x4
  // pixels, so valid padding at stride 1 gives 2x2 outputs; tap (i, j) reads x[oh + 2i][ow + 3j].
  ConvGeometry g{1, 4, 5, 2, 2, 1, 1, 0, 0, 2, 2, 2, 3};
  REQUIRE(g.extent_h() == 3);
  REQUIRE(g.extent_w() == 4);
  std::vector<float> x(20);
  for (int i = 0; i < 20; ++i) x[static_cast<std::size_t>(i)] = static_cast<float>(i + 1);
  std::vector<float> col(static_cast<std::size_t>(g.col_rows() * g.col_cols()), -1.0f);
  im2col(g, x.data(), col.data());
  const std::vector<float> expected{1, 2, 6, 7,       // tap (0, 0)
                                    4, 5, 9, 10,      // tap (0, 1): three columns right
                                    11, 12, 16, 17,   // tap (1, 0): two rows down
                                    14, 15, 19, 20};  // tap (1, 1)
  CHECK(col == expected);
  // With one column of padding on the left and stride 2 across: ow = 0 starts at column -1.
  g.pad_left = 1;
  g.stride_w = 2;
  g.out_w = 2;  // (5 + 1 - 4) / 2 + 1 with the padding on the left only
  im2col(g, x.data(), col.data());
  const std::vector<float> padded{0, 2, 0, 7, 3, 5, 8, 10, 0, 12, 0, 17, 13, 15, 18, 20};
  CHECK(col == padded);
}

TEST_CASE("im2col matches its definition, dilated or not", "[im2col]") {
  Rng rng(12);
  for (int trial = 0; trial < 60; ++trial) {
    ConvGeometry g;
    g.channels = 1 + static_cast<int>(rng.uniform_int(3));
    g.height = 1 + static_cast<int>(rng.uniform_int(11));
    g.width = 1 + static_cast<int>(rng.uniform_int(11));
    g.kernel_h = 1 + static_cast<int>(rng.uniform_int(4));
    g.kernel_w = 1 + static_cast<int>(rng.uniform_int(4));
    g.stride_h = 1 + static_cast<int>(rng.uniform_int(3));
    g.stride_w = 1 + static_cast<int>(rng.uniform_int(3));
    g.dilation_h = 1 + static_cast<int>(rng.uniform_int(3));
    g.dilation_w = 1 + static_cast<int>(rng.uniform_int(3));
    g.pad_top = static_cast<int>(rng.uniform_int(4));
    g.pad_left = static_cast<int>(rng.uniform_int(4));
    const int span_h = g.height + 2 * g.pad_top - g.extent_h(), span_w = g.width + 2 * g.pad_left - g.extent_w();
    if (span_h < 0 || span_w < 0) continue;
    g.out_h = span_h / g.stride_h + 1;
    g.out_w = span_w / g.stride_w + 1;
    const Tensor x = test::random_tensor(Shape{g.channels, g.height, g.width}, rng);
    Tensor col(Shape{g.col_rows(), g.col_cols()}, -1.0f);
    im2col(g, x.data(), col.data());
    INFO("trial " << trial);
    for (int c = 0; c < g.channels; ++c)
      for (int i = 0; i < g.kernel_h; ++i)
        for (int j = 0; j < g.kernel_w; ++j)
          for (int oh = 0; oh < g.out_h; ++oh)
            for (int ow = 0; ow < g.out_w; ++ow) {
              const int ih = oh * g.stride_h - g.pad_top + i * g.dilation_h, iw = ow * g.stride_w - g.pad_left + j * g.dilation_w;
              const bool inside = ih >= 0 && ih < g.height && iw >= 0 && iw < g.width;
              const float want = inside ? x[(static_cast<std::size_t>(c) * g.height + ih) * g.width + iw] : 0.0f;
              const std::size_t row = static_cast<std::size_t>((c * g.kernel_h + i) * g.kernel_w + j);
              REQUIRE(col[row * g.col_cols() + static_cast<std::size_t>(oh * g.out_w + ow)] == want);
            }
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
    // Every other trial dilated (1 to 3 along each axis).
    if (trial % 2 == 1) {
      g.dilation_h = 1 + static_cast<int>(rng.uniform_int(3));
      g.dilation_w = 1 + static_cast<int>(rng.uniform_int(3));
    }
    const int pad_bottom = static_cast<int>(rng.uniform_int(3)), pad_right = static_cast<int>(rng.uniform_int(3));
    const int span_h = g.height + g.pad_top + pad_bottom - g.extent_h(), span_w = g.width + g.pad_left + pad_right - g.extent_w();
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
