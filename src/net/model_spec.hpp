// ModelSpec: a network's architecture as data: input shape, layers in order, initializer.
// The config reader produces it, the builder turns it into a Net, and the model file stores it
// (as JSON) so that eval and predict need nothing else.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "layers/conv2d_config.hpp"
#include "layers/dense.hpp"
#include "layers/pool2d.hpp"
#include "train/initializer.hpp"

namespace cnn {

struct LayerSpec {
  // conv, pool, dense, flatten, relu, tanh, sigmoid, scaled_tanh
  std::string kind;
  Conv2dConfig conv;
  Pool2dConfig pool;
  DenseConfig dense;
};

struct ModelSpec {
  Shape input;  // per sample, (C, H, W)
  std::vector<LayerSpec> layers;
  Init init = Init::kHeNormal;
};

nlohmann::json to_json(const ModelSpec& spec);
// Throws cnn::Error(kModel) naming the field when the JSON is not a valid architecture.
ModelSpec model_spec_from_json(const nlohmann::json& json);

// LeNet-5 in its modern form (SPEC.md section 1): 61,706 parameters for a 1x28x28 input.
ModelSpec lenet5_spec();

}  // namespace cnn
