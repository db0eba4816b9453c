// Test-time augmentation. See test_time_augmentation.hpp.
#include "runtime/test_time_augmentation.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace cnn {

TestTimeAugmentation parse_tta(const std::string& name, const std::string& option) {
  if (name == "none") return TestTimeAugmentation::kNone;
  if (name == "flip") return TestTimeAugmentation::kFlip;
  CNN_FAIL(ExitCode::kUsage, "{} {}: not a test-time augmentation (none or flip)", option, name);
}

const char* tta_name(TestTimeAugmentation tta) { return tta == TestTimeAugmentation::kFlip ? "flip" : "none"; }

void mirror_columns(Tensor& x) {
  CNN_CHECK(x.shape().rank() == 4, "mirror_columns: {} is not (N, C, H, W)", x.shape().str());
  const std::size_t width = static_cast<std::size_t>(x.shape()[3]);
  const std::size_t rows = x.size() / width;
  for (std::size_t r = 0; r < rows; ++r) std::reverse(x.data() + r * width, x.data() + (r + 1) * width);
}

const Tensor& tta_logits(Net& net, Tensor& x, TestTimeAugmentation tta, Tensor& sum) {
  if (tta == TestTimeAugmentation::kNone) return net.forward(x, Mode::kInfer);
  const Tensor& plain = net.forward(x, Mode::kInfer);
  sum.resize(plain.shape());
  std::copy(plain.data(), plain.data() + plain.size(), sum.data());
  mirror_columns(x);
  const Tensor& mirrored = net.forward(x, Mode::kInfer);
  for (std::size_t i = 0; i < sum.size(); ++i) sum[i] = 0.5f * (sum[i] + mirrored[i]);
  mirror_columns(x);
  return sum;
}

}  // namespace cnn
