// Test-time augmentation: classify each image in several views and average the views' logits
// before the softmax, the loss and the prediction (airbench's flip TTA; torchvision's reference
// scripts and Ultralytics do the same). `--tta flip` in eval, predict and report:
//   flip            the image and its left-right mirror, logits averaged with weight 1/2 each.
//   flip-translate  half of that, and half the mean of the same pair for the image moved by one
//                   pixel up-left and by one down-right (the border filled by reflection): six
//                   views, airbench94's tta_level 2.
// A network trained with train.augment.flip has seen both views; for one that has not (digits,
// text) the mirror is a different picture, and the flag costs accuracy.
#pragma once

#include <string>

#include "core/tensor.hpp"
#include "net/net.hpp"

namespace cnn {

enum class TestTimeAugmentation { kNone, kFlip, kFlipTranslate };

// "none", "flip" or "flip-translate"; kUsage naming `option` otherwise.
TestTimeAugmentation parse_tta(const std::string& name, const std::string& option = "--tta");
const char* tta_name(TestTimeAugmentation tta);

// Mirrors every row of x (N, C, H, W) left to right, in place.
void mirror_columns(Tensor& x);
// x (N, C, H, W) moved by (dy, dx) pixels (|dy|, |dx| <= 1) into `out`: out(y, x) = x(y - dy, x - dx),
// reading across the border by reflection (PyTorch's F.pad mode "reflect": row -1 is row 1).
void translate_reflect(const Tensor& x, int dy, int dx, Tensor& out);

// The buffers of tta_logits, kept by the caller so that a loop over batches allocates once.
struct TtaScratch {
  Tensor sum;    // the views' weighted logits
  Tensor moved;  // a translated view
};

// The inference logits of x (N, C, H, W) under `tta`: net.forward(x) for kNone, else the mean of
// the views' logits, in scratch.sum. x is mirrored and mirrored back: it is unchanged.
const Tensor& tta_logits(Net& net, Tensor& x, TestTimeAugmentation tta, TtaScratch& scratch);

}  // namespace cnn
