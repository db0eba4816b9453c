// What `cnn summary` reports about a network, as numbers (the CLI formats them as a table or JSON):
// per layer its name, inputs, configuration, output shape, parameters and multiply-accumulates per image;
// totals over the network.
//
//   parameters      trainable (the optimizer's) + non-trainable (state, e.g. running statistics,
//                   and frozen layers' parameters), as Keras counts them
//   macs            conv and dense multiply-accumulates per image (LeNet-5: 416,520)
//   activation      the input and every layer's output for one image, 4 bytes per float: what a
//                   forward pass holds when no buffer is reused
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "net/net.hpp"

namespace cnn {

struct LayerSummary {
  std::string name;    // "conv1"
  std::string kind;    // "conv"
  std::string config;  // the layer's describe(): "6@5x5 stride 1x1 same relu"
  std::vector<std::string> inputs;  // the layers it reads ("input" for the network's input)
  Shape output;        // per image
  std::uint64_t trainable = 0;
  std::uint64_t non_trainable = 0;
  std::uint64_t macs = 0;
};

struct NetSummary {
  Shape input;  // per image
  std::vector<LayerSummary> layers;
  bool chain = true;  // every layer reads the one before
  std::uint64_t trainable = 0;
  std::uint64_t non_trainable = 0;
  std::uint64_t macs = 0;
  std::uint64_t activation_bytes = 0;

  std::uint64_t parameters() const { return trainable + non_trainable; }
};

// `net` must be set up; its weights are not read.
NetSummary summarize(Net& net);

}  // namespace cnn
