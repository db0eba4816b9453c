// `cnn export --format c`: a trained network as plain C99 for microcontrollers and desktop
// programs. Two files: NAME.h declares
//
//   int NAME_predict(const float *input, float *probabilities);
//
// (input: the model's (C, H, W) values after `cnn predict`'s preparation and before the
// normalisation, which NAME_predict applies; probabilities: NAME_CLASSES floats; returns the
// class), the macros NAME_CHANNELS, NAME_HEIGHT, NAME_WIDTH, NAME_CLASSES, NAME_WEIGHT_BYTES,
// NAME_RAM_BYTES and the class names; NAME.c holds the weights as static const arrays (flash on a
// microcontroller), the activations in a few static buffers that layers share where their values
// are dead (RAM), and the kernels the network uses (c_export/c_kernels.hpp). No dynamic memory,
// nothing beyond <math.h>.
//
// Batch norm after a conv without an activation, read by nothing else, is folded into the conv's
// weights and bias; dropout and flatten cost nothing (they pass their input on). Every layer kind
// cnn trains has a C form.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "quant/quantize.hpp"
#include "runtime/model_loader.hpp"

namespace cnn {

struct CExportOptions {
  std::string name;         // the C prefix and file stem: a C identifier (c_literals.hpp)
  std::string source_name;  // the model file, for messages and the files' comments
};

struct CBuffer {
  std::size_t floats = 0;           // its size in values (floats, or int8 values in the int8 form)
  std::size_t bytes = 0;
  std::vector<std::string> layers;  // the layers whose outputs it holds, in order
};

struct CExport {
  std::string header;  // NAME.h
  std::string source;  // NAME.c
  std::size_t weight_bytes = 0;    // every static const array
  std::size_t ram_bytes = 0;       // every static buffer
  std::vector<CBuffer> buffers;    // the activation buffers, largest first
  std::vector<std::string> folded; // "batch_norm1 into conv1", ...
};

// kModel errors name the layer that has no C form, or the size that does not fit an int.
CExport export_c(LoadedModel& model, const CExportOptions& options);

// The int8 form (`--int8`): the quantized network (quant/quantize.hpp) of `model`, integers only.
// NAME.h declares, beside NAME_predict (which turns its floats into 0-255 pixels first and
// gives the probabilities of the int8 logits),
//
//   int NAME_predict_u8(const unsigned char *pixels);
//
// taking the (C, H, W) image as 0-255 and returning the class, with no floating point at all;
// NAME.c includes only <stdint.h>. NAME_INT8 is defined as 1.
CExport export_c_int8(LoadedModel& model, const QuantizedGraph& quantized, const CExportOptions& options);

}  // namespace cnn
