// Tests of the float mode (core/float_mode.hpp): flush-to-zero and denormals-are-zero are set on
// the test binary's main thread and on every WorkerTeam helper, and a denormal operand really gives
// 0, in plain arithmetic and through a layer's BLAS product.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/float_mode.hpp"
#include "core/rng.hpp"
#include "core/worker_team.hpp"
#include "layers/dense.hpp"
#include "net/builder.hpp"
#include "net/model_spec.hpp"
#include "train/checkpoint.hpp"

#if defined(__x86_64__) || (defined(__i386__) && defined(__SSE3__))
#include <xmmintrin.h>
#define CNN_TEST_MXCSR 1
#endif

using namespace cnn;

namespace {

float from_bits(std::uint32_t bits) {
  float f = 0;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

std::uint32_t bits_of(float f) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

// The smallest normal float is 2^-126 (bits 0x00800000); below it, with exponent bits 0, denormals.
constexpr std::uint32_t kDenormalBits = 0x00400000;  // 2^-127, a denormal

}  // namespace

#ifdef CNN_TEST_MXCSR

TEST_CASE("the test binary computes with flush-to-zero and denormals-are-zero", "[float_mode]") {
  CHECK(flush_to_zero_enabled());
  CHECK((_mm_getcsr() & 0x8040u) == 0x8040u);
}

TEST_CASE("every WorkerTeam helper sets flush-to-zero itself", "[float_mode]") {
  // Clear the mode on this thread first: Linux copies the creating thread's MXCSR into a new
  // thread, so only then does the check show that each helper sets the mode on its own.
  const unsigned saved = _mm_getcsr();
  _mm_setcsr(saved & ~0x8040u);
  std::vector<unsigned> csr(4, 0);
  {
    WorkerTeam team(4);
    team.run([&](int member) { csr[static_cast<std::size_t>(member)] = _mm_getcsr(); });
  }
  _mm_setcsr(saved);
  CHECK((csr[0] & 0x8040u) == 0u);  // member 0 is the calling thread, in the caller's mode
  for (std::size_t m = 1; m < csr.size(); ++m) {
    INFO("member " << m << " MXCSR 0x" << std::hex << csr[m]);
    CHECK((csr[m] & 0x8040u) == 0x8040u);
  }
}

TEST_CASE("a denormal times a normal weight gives 0 under the mode", "[float_mode]") {
  REQUIRE(flush_to_zero_enabled());
  volatile float denormal = from_bits(kDenormalBits);
  volatile float weight = 0.75f;
  const float product = denormal * weight;  // DAZ: the denormal is read as 0
  CHECK(bits_of(product) == 0u);
  volatile float tiny = 1e-20f;
  const float underflow = tiny * tiny;  // 1e-40 would be denormal; FTZ makes it 0
  CHECK(bits_of(underflow) == 0u);
  volatile float normal = 1.5f;
  CHECK(normal * weight == 1.125f);  // normal numbers are untouched

  // The same through a dense layer (OpenBLAS's sgemm on this thread): y = x W^T + b.
  Dense dense(DenseConfig{3, Activation::kNone});
  dense.setup(Shape{4});
  for (Param& p : dense.params()) p.value->fill(0.0f);
  dense.params()[0].value->fill(0.5f);
  Tensor x(Shape{2, 4}, from_bits(kDenormalBits));
  const Tensor& y = dense.forward(x, Mode::kInfer);
  for (std::size_t i = 0; i < y.size(); ++i) CHECK(bits_of(y[i]) == 0u);
}

#endif

// A tool, not a test (hidden: run it by name): writes a LeNet-5 model file whose weights are all
// denormal to $CNN_DENORMAL_MODEL, to time `cnn eval` on it with and without the float mode.
//   CNN_DENORMAL_MODEL=/tmp/denormal.bin build/cnn_tests "[denormal_model]"
TEST_CASE("write a LeNet-5 model with denormal weights", "[.][denormal_model]") {
  const char* path = std::getenv("CNN_DENORMAL_MODEL");
  REQUIRE(path != nullptr);
  const ModelSpec spec = lenet5_spec();
  std::unique_ptr<Net> net = build_net(spec);
  Rng rng(5);
  for (const Param& p : net->params())
    for (std::size_t i = 0; i < p.value->size(); ++i) {
      // 2^-127 .. 2^-126 with a random sign: every weight and bias denormal.
      const std::uint32_t mantissa = 0x00400000u + static_cast<std::uint32_t>(rng.uniform_int(0x00400000u));
      (*p.value)[i] = from_bits(mantissa | (rng.uniform_int(2) ? 0x80000000u : 0u));
    }
  save_checkpoint(path, spec, "", *net, nullptr, nullptr);
  const LoadedModel back = load_model(path);
  CHECK(back.net->params()[0].value->size() == net->params()[0].value->size());
}
