// The config's `model.layers` list: layers, the graph keys beside their options (name, input,
// and from for add and concat: net/layer_graph.hpp) and residual blocks, read into a ModelSpec
// whose graph is complete and whose shapes fit (a shape error points at the layer's line).
//
//   - conv: {filters: 16, kernel: 3, name: stem}
//   - conv: {filters: 16, kernel: 3, input: stem}
//   - add: {from: [conv2, stem]}
//   - residual:                # a basic block, expanded into the layers it stands for
//       repeat: 3              # that many blocks in a row (default 1)
//       shortcut: auto         # identity | projection | auto (identity when the shapes match)
//       activation: relu       # a layer after the sum (default none)
//       name: stage1           # names the last layer of the last block (optional)
//       layers: [...]          # the block's body: a chain of plain layers
//   - softmax                  # last: not a layer, the loss applies it
//
// A projection shortcut is a 1x1 conv without bias (as many filters as the body's output has
// channels, the stride that takes the block's input to the body's output size) and batch_norm,
// reading the block's input: He et al. (2016), option B.
#pragma once

#include <yaml-cpp/yaml.h>

#include "config/yaml_reader.hpp"
#include "net/model_spec.hpp"

namespace cnn::config_yaml {

void parse_layers(const Reader& r, const YAML::Node& layers, ModelSpec& spec);

}  // namespace cnn::config_yaml
