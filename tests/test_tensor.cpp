// Tests of Shape and Tensor.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/tensor.hpp"

using namespace cnn;

TEST_CASE("Shape reports rank, dims, numel and batch helpers", "[tensor]") {
  Shape s{2, 3, 4, 5};
  CHECK(s.rank() == 4);
  CHECK(s[0] == 2);
  CHECK(s[3] == 5);
  CHECK(s.numel() == 120);
  CHECK(s.str() == "(2, 3, 4, 5)");
  CHECK(s.without_batch() == Shape{3, 4, 5});
  CHECK(Shape{3, 4, 5}.with_batch(7) == Shape{7, 3, 4, 5});
  CHECK(Shape{}.numel() == 1);
  CHECK_THROWS_AS(s[4], Error);
  CHECK_THROWS_AS((Shape{2, -1}), Error);
}

TEST_CASE("Tensor is contiguous NCHW, row-major", "[tensor]") {
  Tensor t(Shape{2, 3, 4, 5}, 0.5f);
  REQUIRE(t.size() == 120);
  CHECK(t[119] == 0.5f);
  t.at(1, 2, 3, 4) = 7.0f;
  CHECK(t[119] == 7.0f);
  t.at(1, 0, 0, 0) = 3.0f;
  CHECK(t[60] == 3.0f);
  t.at(0, 1, 2, 3) = 9.0f;
  CHECK(t[1 * 20 + 2 * 5 + 3] == 9.0f);
}

TEST_CASE("Tensor resize keeps the allocation when it does not grow", "[tensor]") {
  Tensor t(Shape{4, 10});
  const float* before = t.data();
  t.resize(Shape{2, 10});
  CHECK(t.size() == 20);
  CHECK(t.shape() == Shape{2, 10});
  t.resize(Shape{4, 10});
  CHECK(t.data() == before);
}

TEST_CASE("Tensor reshape keeps data and checks the element count", "[tensor]") {
  Tensor t(Shape{2, 3, 2, 2});
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<float>(i);
  t.reshape(Shape{2, 12});
  CHECK(t.shape() == Shape{2, 12});
  CHECK(t[13] == 13.0f);
  CHECK_THROWS_AS(t.reshape(Shape{5, 5}), Error);
  t.fill(-1.0f);
  CHECK(t[0] == -1.0f);
  CHECK(t[23] == -1.0f);
}
