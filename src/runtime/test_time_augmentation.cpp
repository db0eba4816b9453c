// Test-time augmentation. See test_time_augmentation.hpp.
#include "runtime/test_time_augmentation.hpp"

#include <algorithm>
#include <cstdlib>

#include "core/error.hpp"

namespace cnn {

TestTimeAugmentation parse_tta(const std::string& name, const std::string& option) {
  if (name == "none") return TestTimeAugmentation::kNone;
  if (name == "flip") return TestTimeAugmentation::kFlip;
  if (name == "flip-translate") return TestTimeAugmentation::kFlipTranslate;
  CNN_FAIL(ExitCode::kUsage, "{} {}: not a test-time augmentation (none, flip or flip-translate)", option, name);
}

const char* tta_name(TestTimeAugmentation tta) {
  switch (tta) {
    case TestTimeAugmentation::kFlip: return "flip";
    case TestTimeAugmentation::kFlipTranslate: return "flip-translate";
    default: return "none";
  }
}

void translate_reflect(const Tensor& x, int dy, int dx, Tensor& out) {
  CNN_CHECK(x.shape().rank() == 4 && std::abs(dy) <= 1 && std::abs(dx) <= 1, "translate_reflect: {} by ({}, {})",
            x.shape().str(), dy, dx);
  const int h = x.shape()[2], w = x.shape()[3];
  CNN_CHECK(h >= 2 && w >= 2, "translate_reflect: a {}x{} image has no row or column to reflect", h, w);
  out.resize(x.shape());
  const auto reflect = [](int i, int n) { return i < 0 ? -i : i >= n ? 2 * n - 2 - i : i; };
  const std::size_t planes = x.size() / (static_cast<std::size_t>(h) * w);
  for (std::size_t p = 0; p < planes; ++p) {
    const float* in = x.data() + p * h * w;
    float* o = out.data() + p * h * w;
    for (int y = 0; y < h; ++y)
      for (int c = 0; c < w; ++c) o[y * w + c] = in[reflect(y - dy, h) * w + reflect(c - dx, w)];
  }
}

void mirror_columns(Tensor& x) {
  CNN_CHECK(x.shape().rank() == 4, "mirror_columns: {} is not (N, C, H, W)", x.shape().str());
  const std::size_t width = static_cast<std::size_t>(x.shape()[3]);
  const std::size_t rows = x.size() / width;
  for (std::size_t r = 0; r < rows; ++r) std::reverse(x.data() + r * width, x.data() + (r + 1) * width);
}

namespace {

// sum (+)= weight * (logits of x + logits of x mirrored); x is left as it was.
void add_mirror_pair(Net& net, Tensor& x, float weight, Tensor& sum, bool first) {
  const Tensor& plain = net.forward(x, Mode::kInfer);
  if (first) {
    sum.resize(plain.shape());
    sum.fill(0.0f);
  }
  for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += weight * plain[i];
  mirror_columns(x);
  const Tensor& mirrored = net.forward(x, Mode::kInfer);
  for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += weight * mirrored[i];
  mirror_columns(x);
}

}  // namespace

const Tensor& tta_logits(Net& net, Tensor& x, TestTimeAugmentation tta, TtaScratch& scratch) {
  if (tta == TestTimeAugmentation::kNone) return net.forward(x, Mode::kInfer);
  if (tta == TestTimeAugmentation::kFlip) {
    add_mirror_pair(net, x, 0.5f, scratch.sum, true);
    return scratch.sum;
  }
  // Half the pair as it is, a quarter each the pair moved up-left and the pair moved down-right.
  add_mirror_pair(net, x, 0.25f, scratch.sum, true);
  translate_reflect(x, -1, -1, scratch.moved);
  add_mirror_pair(net, scratch.moved, 0.125f, scratch.sum, false);
  translate_reflect(x, 1, 1, scratch.moved);
  add_mirror_pair(net, scratch.moved, 0.125f, scratch.sum, false);
  return scratch.sum;
}

}  // namespace cnn
