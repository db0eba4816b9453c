// `cnn export --int8`: the model quantized on its own training images and measured on its
// validation images (quant/quantize.hpp has the scheme), for the int8 C and the QDQ ONNX export.
//
//   calibration  the first N training images (those not held out for validation) of the data the
//                model file records, or of --data DIR
//   measure      the validation images (data.validation, the last ones) through the float
//                network (cnn's own layers) and the int8 one (quant/int8_run.hpp): accuracy of
//                both and how many classes agree
#pragma once

#include <optional>
#include <string>

#include "quant/quantize.hpp"
#include "runtime/model_loader.hpp"

namespace cnn {

struct Int8Options {
  int calibration_images = 1000;
  std::optional<std::string> data_dir;  // default: the folder the model file records
  int threads = 0;                      // 0: all cores
};

struct Int8Measurement {
  int images = 0;  // validation images; 0 when the run held none out
  int float_correct = 0, int8_correct = 0, agree = 0;
};

struct Int8Model {
  QuantizedGraph graph;
  Int8Measurement validation;
  std::string data_dir;
};

// kUsage when the model records no data folder and none is given; kData when it cannot be read.
Int8Model quantize_model(LoadedModel& model, const Int8Options& options);

// "int8 on the 5000 validation images: 98.94% (float 99.02%, -0.08 points); the classes agree on 4991".
void log_int8_measurement(const Int8Model& m);

}  // namespace cnn
