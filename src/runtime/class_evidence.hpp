// Where the network looks when it scores a class, for one image:
//
//   Grad-CAM (Selvaraju et al. 2017): the feature maps A_k of one layer (by default the last conv
//   layer's, after its activation), weighted by the mean over positions of d score / d A_k, summed
//   over k and clipped at 0; put back on the input's pixels through the layers' geometry
//   (Layer::output_positions), so a 10x10 map of a valid 5x5 conv lands where its windows are,
//   not stretched over the whole image.
//   Saliency (Simonyan et al. 2014): |d score / d input|, the largest over the channels.
//
// The score is the class's logit (before softmax), as both papers use. The passes are inference's
// arithmetic (batch norm's running statistics, no dropout: Mode::kInferWithGradient).
#pragma once

#include <string>
#include <vector>

#include "net/net.hpp"

namespace cnn {

struct ClassEvidence {
  int class_index = 0;
  float score = 0;            // the class's logit
  int height = 0, width = 0;  // the input's
  std::vector<float> grad_cam;  // (height, width), >= 0: the layer's map on the input's pixels
  std::vector<float> saliency;  // (height, width), >= 0
  int cam_height = 0, cam_width = 0;
  std::vector<float> cam;       // (cam_height, cam_width): the map on the layer's own positions
};

// The layer Grad-CAM reads. `name` empty: the last conv layer, followed through the layers after
// it that keep its shape and its positions (batch norm, activations, dropout, the add that closes
// a residual block), each the only reader of the one before, so that ResNet's map is its last
// block's output as in the paper. Otherwise the layer of that name, whose output must be
// (C, H, W). Throws (ExitCode::kUsage) naming the candidates when there is no such layer.
int grad_cam_layer(const Net& net, const std::string& name);

// The layer names grad_cam_layer accepts (every layer with a (C, H, W) output), for messages.
std::vector<std::string> grad_cam_candidates(const Net& net);

// Where the positions of layer i's output lie on the input's pixels: the layers' own maps
// composed from i back to the input along each layer's first input (an add's or a concat's
// inputs have the same positions, or it could not be built).
PositionMap positions_on_input(const Net& net, int layer);

// Grad-CAM and saliency of `class_index` for one image (1, C, H, W) as the network's input.
// Leaves the network's parameter gradients at zero and its input-gradient setting as it was.
ClassEvidence class_evidence(Net& net, const Tensor& image, int class_index, int cam_layer);

}  // namespace cnn
