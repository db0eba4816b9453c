#include "cli/int8_quantization.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <numeric>
#include <thread>

#include "config/config.hpp"
#include "core/error.hpp"
#include "net/replica_set.hpp"
#include "quant/inference_graph.hpp"
#include "quant/int8_run.hpp"
#include "runtime/evaluate.hpp"
#include "runtime/network_input.hpp"
#include "train/data_source.hpp"

namespace cnn {
namespace {

// Images [first, first + count) as the network takes them: with the model's normalisation or without.
std::vector<float> network_inputs(const Dataset& d, int first, int count, const Shape& input, const Normalization& normalization) {
  std::vector<std::uint32_t> indices(static_cast<std::size_t>(count));
  std::iota(indices.begin(), indices.end(), static_cast<std::uint32_t>(first));
  Tensor x;
  fill_batch(d.images, d.labels, indices.data(), count, input, x, nullptr, normalization);
  return std::vector<float>(x.data(), x.data() + x.size());
}

// The int8 network's classes of images [first, first + count), over the threads.
std::vector<int> int8_classes(const QuantizedGraph& q, const Dataset& d, int first, int count, const Shape& input, int threads) {
  const std::vector<float> values = network_inputs(d, first, count, input, {});
  const std::size_t per_image = input.numel();
  std::vector<int> classes(static_cast<std::size_t>(count));
  auto work = [&](int t) {
    std::vector<std::uint8_t> pixels(per_image);
    std::vector<std::vector<std::int8_t>> buffers;
    for (int i = t; i < count; i += threads) {
      for (std::size_t k = 0; k < per_image; ++k) pixels[k] = pixel_of(values[static_cast<std::size_t>(i) * per_image + k]);
      classes[static_cast<std::size_t>(i)] = run_int8(q, pixels.data(), buffers);
    }
  };
  std::vector<std::thread> team;
  for (int t = 1; t < threads; ++t) team.emplace_back(work, t);
  work(0);
  for (std::thread& t : team) t.join();
  return classes;
}

}  // namespace

Int8Model quantize_model(LoadedModel& model, const Int8Options& o) {
  Int8Model m;
  CNN_CHECK_CODE(o.data_dir || !model.settings.is_null(), ExitCode::kUsage,
                 "--int8 calibrates on the model's training images: the model file records no data folder; give --data DIR");
  RunConfig settings = model.settings.is_null() ? RunConfig{} : parse_settings(model.settings, "the model file's settings");
  DataConfig data = settings.data;
  if (o.data_dir) data.dir = *o.data_dir;
  m.data_dir = data.dir;
  const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  DataLoadOptions load;
  load.threads = threads;
  Dataset d = load_training_data(data, model.spec.input, load).data;
  check_images_fit(d.images, model.spec.input);
  const int classes = static_cast<int>(model.net->output_shape().numel());
  check_labels(d.labels, classes, data.dir);
  const int train_images = std::max(0, d.size() - data.validation);
  CNN_CHECK_CODE(train_images > 0, ExitCode::kData, "{}: no training images to calibrate on", data.dir);
  const int calibration = std::min(o.calibration_images, train_images);
  if (calibration < o.calibration_images)
    spdlog::warn("--calibrate {}: the data has {} training images; calibrating on all of them", o.calibration_images, train_images);

  InferenceGraph graph = build_inference_graph(model);
  const ValueRanges ranges =
      calibrate(graph, network_inputs(d, 0, calibration, model.spec.input, model.data.normalization), calibration);
  m.graph = quantize(std::move(graph), ranges, calibration);

  Int8Measurement& v = m.validation;
  v.images = std::min(data.validation, d.size());
  if (v.images == 0) return m;
  const int first = d.size() - v.images;
  ReplicaSet replicas(*model.net, model.spec, threads);
  const EvalResult f = evaluate(replicas, d.images, d.labels, first, v.images, 256, model.data.normalization);
  const std::vector<int> q = int8_classes(m.graph, d, first, v.images, model.spec.input, threads);
  for (int i = 0; i < v.images; ++i) {
    const auto k = static_cast<std::size_t>(i);
    const int label = d.labels[static_cast<std::size_t>(first + i)];
    v.float_correct += f.predictions[k] == label ? 1 : 0;
    v.int8_correct += q[k] == label ? 1 : 0;
    v.agree += q[k] == f.predictions[k] ? 1 : 0;
  }
  return m;
}

void log_int8_measurement(const Int8Model& m) {
  const Int8Measurement& v = m.validation;
  spdlog::info("int8: calibrated on {} training images of {}", m.graph.calibration_images, m.data_dir);
  if (v.images == 0) {
    spdlog::warn("int8: the run held out no validation images (data.validation: 0), so the int8 accuracy is not measured");
    return;
  }
  const double q = 100.0 * v.int8_correct / v.images, f = 100.0 * v.float_correct / v.images;
  spdlog::info("int8 accuracy on the {} validation images: {:.2f}% (float {:.2f}%, {:+.2f} points; {} of {} correct); the "
               "classes agree on {}",
               v.images, q, f, q - f, v.int8_correct, v.images, v.agree);
}

}  // namespace cnn
