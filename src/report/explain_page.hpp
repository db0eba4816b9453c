// `cnn predict --explain DIR`: for each image, what the network saw after preparation, the
// feature maps of every conv and pool layer, and the class probabilities as a bar chart; written
// as DIR/index.html plus one folder of PNGs per image (DIR/<n>-<name>/), so each picture can be
// reused on its own. The page references only those files.
#pragma once

#include <string>
#include <vector>

#include "net/net.hpp"

namespace cnn {

class ExplainPage {
 public:
  // Creates DIR (and fails clearly when it cannot).
  ExplainPage(std::string dir, std::string model_path, std::vector<std::string> class_names);
  // `image` is one network input (C, H, W) exactly as it was classified (normalised, if the model
  // normalises); `pixels` the same image before normalisation, in [0, 1], which is what the page
  // shows as "what the network saw"; `probabilities` its softmax.
  void add(Net& net, const std::string& image_path, const float* image, const float* pixels,
           const std::vector<float>& probabilities);
  // Writes DIR/index.html; returns its path.
  std::string write() const;

 private:
  std::string dir_, model_path_;
  std::vector<std::string> class_names_;
  std::string body_;  // one <section> per image
  int count_ = 0;
};

}  // namespace cnn
