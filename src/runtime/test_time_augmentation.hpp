// Test-time augmentation: classify each image in several views and average the views' logits
// before the softmax, the loss and the prediction (airbench's flip TTA; torchvision's reference
// scripts and Ultralytics do the same). `--tta flip` in eval, predict and report:
//   flip    the image and its left-right mirror, logits averaged with weight 1/2 each.
// A network trained with train.augment.flip has seen both views; for one that has not (digits,
// text) the mirror is a different picture, and the flag costs accuracy.
#pragma once

#include <string>

#include "core/tensor.hpp"
#include "net/net.hpp"

namespace cnn {

enum class TestTimeAugmentation { kNone, kFlip };

// "none" or "flip"; kUsage naming `option` otherwise.
TestTimeAugmentation parse_tta(const std::string& name, const std::string& option = "--tta");
const char* tta_name(TestTimeAugmentation tta);

// Mirrors every row of x (N, C, H, W) left to right, in place.
void mirror_columns(Tensor& x);

// The inference logits of x (N, C, H, W) under `tta`: net.forward(x) for kNone, else the mean of
// the views' logits, in `sum` (sized here). x is mirrored and mirrored back: it is unchanged.
const Tensor& tta_logits(Net& net, Tensor& x, TestTimeAugmentation tta, Tensor& sum);

}  // namespace cnn
