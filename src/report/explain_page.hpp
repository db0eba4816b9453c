// `cnn predict --explain DIR`: for each image, what the network saw after preparation, the class
// probabilities as a bar chart, where the network looked for the class it explains (Grad-CAM and
// saliency over the image, runtime/class_evidence.hpp) and the feature maps of every conv and
// pool layer; written as DIR/index.html plus one folder per image (DIR/<n>-<name>/) of PNGs and
// evidence.json (the maps' numbers), so each picture can be reused on its own. The page
// references only those files.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "net/net.hpp"
#include "report/canvas.hpp"
#include "runtime/class_evidence.hpp"

namespace cnn {

class ExplainPage {
 public:
  // Creates DIR (and fails clearly when it cannot).
  ExplainPage(std::string dir, std::string model_path, std::vector<std::string> class_names);
  // `image` is one network input (C, H, W) exactly as it was classified (normalised, if the model
  // normalises); `pixels` the same image before normalisation, in [0, 1], which is what the page
  // shows as "what the network saw"; `probabilities` its softmax; `evidence` the class explained,
  // from layer `cam_layer` of the network.
  void add(Net& net, const std::string& image_path, const float* image, const float* pixels,
           const std::vector<float>& probabilities, const ClassEvidence& evidence, int cam_layer);
  // Writes DIR/index.html; returns its path.
  std::string write() const;

 private:
  // Writes a picture into the image's folder; returns its path relative to DIR.
  using SavePicture = std::function<std::string(const std::string& name, const Canvas& canvas)>;
  std::string evidence_figures(const std::string& folder, const float* pixels, const Shape& input, int scale,
                               const ClassEvidence& e, const std::string& layer_name, const SavePicture& save) const;

  std::string dir_, model_path_;
  std::vector<std::string> class_names_;
  std::string body_;  // one <section> per image
  int count_ = 0;
};

}  // namespace cnn
