// Remembers the model of the latest training run, so that `cnn predict image.png` works right
// after `cnn train`. The absolute path is kept in $XDG_STATE_HOME/cnn/latest-model (by default
// ~/.local/state/cnn/latest-model).
#pragma once

#include <string>

namespace cnn {

void remember_latest_model(const std::string& model_path);
// The remembered path; kUsage error saying how to train or pass --weights when there is none.
std::string latest_model();

}  // namespace cnn
