// Tests of the fused softmax cross-entropy loss.
#include <catch2/catch.hpp>
#include <cmath>

#include "gradcheck.hpp"
#include "runtime/softmax_cross_entropy.hpp"

using namespace cnn;

TEST_CASE("softmax cross-entropy golden values", "[loss]") {
  SoftmaxCrossEntropy loss;
  Tensor zeros(Shape{2, 10}, 0.0f);
  const Label labels[] = {3, 7};
  CHECK(loss.forward(zeros, labels) == Approx(std::log(10.0)));
  for (std::size_t i = 0; i < 20; ++i) CHECK(loss.probabilities()[i] == Approx(0.1));
  // logits (1, 2, 3), label 2: loss = log(e + e^2 + e^3) - 3.
  Tensor z(Shape{1, 3});
  z[0] = 1;
  z[1] = 2;
  z[2] = 3;
  const Label label[] = {2};
  CHECK(loss.forward(z, label) == Approx(std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3.0));
  CHECK(loss.correct() == 1);
  const Tensor& d = loss.backward();
  CHECK(d[2] == Approx(std::exp(3.0) / (std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 1.0));
}

TEST_CASE("softmax cross-entropy is stable for huge logits", "[loss]") {
  SoftmaxCrossEntropy loss;
  Tensor z(Shape{2, 3});
  const float values[] = {1e4f, -1e4f, 0.0f, 88.0f, 89.0f, 1e30f};
  std::copy(values, values + 6, z.data());
  const Label labels[] = {1, 2};
  const double l = loss.forward(z, labels);
  CHECK(std::isfinite(l));
  CHECK(l == Approx((2e4 + 0.0) / 2.0));  // sample 0: 1e4 - (-1e4); sample 1: 0
  const Tensor& d = loss.backward();
  for (std::size_t i = 0; i < d.size(); ++i) CHECK(std::isfinite(d[i]));
  Tensor probs;
  softmax_rows(z, probs);
  CHECK(probs[0] == 1.0f);
  CHECK(probs[5] == 1.0f);
}

TEST_CASE("softmax cross-entropy gradient matches central differences", "[loss][gradcheck]") {
  Rng rng(6);
  Tensor z = test::random_tensor(Shape{3, 5}, rng, -3.0f, 3.0f);
  const Label labels[] = {0, 4, 2};
  SoftmaxCrossEntropy loss;
  loss.forward(z, labels);
  const Tensor d = loss.backward();
  const double eps = 1e-3;
  for (std::size_t i = 0; i < z.size(); ++i) {
    const float saved = z[i];
    z[i] = static_cast<float>(saved + eps);
    const double plus = loss.forward(z, labels);
    z[i] = static_cast<float>(saved - eps);
    const double minus = loss.forward(z, labels);
    z[i] = saved;
    const double numeric = (plus - minus) / (2 * eps);
    INFO("dz[" << i << "] analytic " << d[i] << " numeric " << numeric);
    CHECK(test::gradient_close(d[i], numeric));
  }
}

TEST_CASE("accuracy counts the first largest logit", "[loss]") {
  SoftmaxCrossEntropy loss;
  Tensor z(Shape{3, 3});
  const float values[] = {0, 5, 1, 2, 2, 0, 0, 0, 9};
  std::copy(values, values + 9, z.data());
  const Label labels[] = {1, 1, 2};  // second row ties 0 and 1: argmax is 0, a miss
  loss.forward(z, labels);
  CHECK(loss.correct() == 2);
  CHECK(argmax(values + 3, 3) == 0);
}
