// Grad-CAM and saliency. See class_evidence.hpp.
#include "runtime/class_evidence.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"

namespace cnn {

namespace {

bool has_positions(const Shape& shape) { return shape.rank() == 3; }

// The layers that read layer i's output.
std::vector<int> readers_of(const Net& net, int i) {
  std::vector<int> readers;
  for (std::size_t j = 0; j < net.layer_count(); ++j)
    for (int input : net.layer_inputs(j))
      if (input == i) readers.push_back(static_cast<int>(j));
  return readers;
}

// A layer that keeps every position where it was: the same shape as its first input, and not a
// conv or pool (which could keep the shape and still move positions) or a concat (which mixes
// feature maps of other layers in).
bool keeps_positions(const Net& net, int j, const Shape& shape) {
  const std::string kind = net.layer(static_cast<std::size_t>(j)).kind();
  return net.layer_output_shape(static_cast<std::size_t>(j)) == shape && kind != "conv" && kind != "pool" &&
         kind != "concat";
}

// Bilinear sample of a (h, w) plane at fractional (y, x), with zeros around the plane: a map
// value speaks for the window centred on its position, so between two centres it blends them,
// and beyond the outermost it fades to nothing over one position's spacing (a valid conv's map
// covers less than the input; clamping would smear its edge over the whole border).
float sample(const std::vector<float>& plane, int h, int w, double y, double x) {
  const int y0 = static_cast<int>(std::floor(y)), x0 = static_cast<int>(std::floor(x));
  const double fy = y - y0, fx = x - x0;
  auto at = [&](int r, int c) {
    return r < 0 || r >= h || c < 0 || c >= w ? 0.0 : static_cast<double>(plane[static_cast<std::size_t>(r) * w + c]);
  };
  const double top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx;
  const double bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx;
  return static_cast<float>(top * (1 - fy) + bottom * fy);
}

}  // namespace

PositionMap positions_on_input(const Net& net, int layer) {
  PositionMap map;
  for (int at = layer; at >= 0; at = net.layer_inputs(static_cast<std::size_t>(at))[0])
    map = map.then(net.layer(static_cast<std::size_t>(at)).output_positions());
  return map;
}

std::vector<std::string> grad_cam_candidates(const Net& net) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < net.layer_count(); ++i)
    if (has_positions(net.layer_output_shape(i))) names.push_back(net.layer_name(i));
  return names;
}

int grad_cam_layer(const Net& net, const std::string& name) {
  const auto candidates = [&] { return fmt::format("{}", fmt::join(grad_cam_candidates(net), ", ")); };
  if (!name.empty()) {
    for (std::size_t i = 0; i < net.layer_count(); ++i) {
      if (net.layer_name(i) != name) continue;
      CNN_CHECK_CODE(has_positions(net.layer_output_shape(i)), ExitCode::kUsage,
                     "--cam-layer {}: its output {} has no positions (Grad-CAM needs a (C, H, W) map); layers that have: {}",
                     name, net.layer_output_shape(i).str(), candidates());
      return static_cast<int>(i);
    }
    CNN_FAIL(ExitCode::kUsage, "--cam-layer {}: the network has no layer of that name; layers with a (C, H, W) map: {}", name,
             candidates());
  }
  int last_conv = -1;
  for (std::size_t i = 0; i < net.layer_count(); ++i)
    if (net.layer(i).kind() == "conv" && has_positions(net.layer_output_shape(i))) last_conv = static_cast<int>(i);
  CNN_CHECK_CODE(last_conv >= 0, ExitCode::kUsage, "Grad-CAM: the network has no conv layer; name one with --cam-layer: {}",
                 candidates());
  int layer = last_conv;
  const Shape shape = net.layer_output_shape(static_cast<std::size_t>(layer));
  for (;;) {
    const std::vector<int> readers = readers_of(net, layer);
    if (readers.size() != 1 || !keeps_positions(net, readers[0], shape)) break;
    layer = readers[0];
  }
  return layer;
}

ClassEvidence class_evidence(Net& net, const Tensor& image, int class_index, int cam_layer) {
  const Shape& input = net.input_shape();
  CNN_CHECK(image.shape() == input.with_batch(1), "class_evidence: image {} is not one input {}", image.shape().str(),
            input.str());
  const int classes = static_cast<int>(net.output_shape().numel());
  CNN_CHECK(class_index >= 0 && class_index < classes, "class_evidence: no class {} (the network has {})", class_index, classes);
  CNN_CHECK(cam_layer >= 0 && cam_layer < static_cast<int>(net.layer_count()), "class_evidence: no layer {}", cam_layer);
  const Shape& maps_shape = net.layer_output_shape(static_cast<std::size_t>(cam_layer));
  CNN_CHECK(has_positions(maps_shape), "class_evidence: layer {} has no (C, H, W) output", net.layer_name(static_cast<std::size_t>(cam_layer)));

  const bool input_gradient_was_needed = net.input_gradient_needed();
  net.set_input_gradient(true);
  net.tap_output_gradient(cam_layer);
  const Tensor& logits = net.forward_for_gradients(image);
  ClassEvidence e;
  e.class_index = class_index;
  e.score = logits[static_cast<std::size_t>(class_index)];
  // d score / d logits: one at the class.
  Tensor one_hot(logits.shape());
  one_hot.fill(0.0f);
  one_hot[static_cast<std::size_t>(class_index)] = 1.0f;
  const Tensor& dx = net.backward(one_hot);

  // Grad-CAM on the layer's positions.
  const Tensor& maps = *net.layer_output(static_cast<std::size_t>(cam_layer));
  const Tensor& grads = net.tapped_gradient();
  const int k_count = maps_shape[0];
  e.cam_height = maps_shape[1];
  e.cam_width = maps_shape[2];
  const std::size_t positions = static_cast<std::size_t>(e.cam_height) * e.cam_width;
  std::vector<double> cam(positions, 0.0);
  for (int k = 0; k < k_count; ++k) {
    const float* a = maps.data() + k * positions;
    const float* g = grads.data() + k * positions;
    double alpha = 0;
    for (std::size_t p = 0; p < positions; ++p) alpha += g[p];
    alpha /= static_cast<double>(positions);
    for (std::size_t p = 0; p < positions; ++p) cam[p] += alpha * a[p];
  }
  e.cam.resize(positions);
  for (std::size_t p = 0; p < positions; ++p) e.cam[p] = static_cast<float>(std::max(cam[p], 0.0));

  // Onto the input's pixels: pixel (y, x) reads the map where the windows centred there are.
  e.height = input[1];
  e.width = input[2];
  const PositionMap map = positions_on_input(net, cam_layer);
  e.grad_cam.resize(static_cast<std::size_t>(e.height) * e.width);
  for (int y = 0; y < e.height; ++y)
    for (int x = 0; x < e.width; ++x)
      e.grad_cam[static_cast<std::size_t>(y) * e.width + x] =
          sample(e.cam, e.cam_height, e.cam_width, (y - map.offset_h) / map.scale_h, (x - map.offset_w) / map.scale_w);

  // Saliency: the largest |d score / d x| over the channels.
  const std::size_t plane = e.grad_cam.size();
  e.saliency.assign(plane, 0.0f);
  for (int c = 0; c < input[0]; ++c)
    for (std::size_t p = 0; p < plane; ++p) e.saliency[p] = std::max(e.saliency[p], std::fabs(dx[c * plane + p]));

  net.zero_grad();
  net.tap_output_gradient(-1);
  net.set_input_gradient(input_gradient_was_needed);
  return e;
}

}  // namespace cnn
