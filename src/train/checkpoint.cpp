// Checkpoints written and their training state read back; see checkpoint.hpp.
#include "train/checkpoint.hpp"

#include <cmath>
#include <limits>
#include <type_traits>

#include "core/error.hpp"

namespace cnn {
namespace {

using nlohmann::json;

// The network's own weights in a checkpoint whose main tensors are the weight average.
const std::string kLivePrefix = "live/";

// Every tensor a model file holds for the network: the parameters, then the layers' state, the
// order of the file and of WeightAverage::tensors().
std::vector<Param> params_and_state(const Net& net) {
  std::vector<Param> all = net.params();
  all.insert(all.end(), net.state().begin(), net.state().end());
  return all;
}

std::string hex64(std::uint64_t v) { return fmt::format("{:016x}", v); }

std::uint64_t parse_hex64(const json& j, const std::string& path) {
  CNN_CHECK_CODE(j.is_string() && j.get<std::string>().size() == 16, ExitCode::kModel, "{}: malformed RNG state", path);
  try {
    return std::stoull(j.get<std::string>(), nullptr, 16);
  } catch (const std::exception&) {
    CNN_FAIL(ExitCode::kModel, "{}: malformed RNG state", path);
  }
}

template <typename T>
T field(const json& j, const char* key, const std::string& path) {
  CNN_CHECK_CODE(j.contains(key), ExitCode::kModel, "{}: training state lacks '{}'", path, key);
  const json& v = j.at(key);
  if constexpr (std::is_integral_v<T>) {
    // Checked first: nlohmann converts a float or a too large number with a plain cast, undefined
    // behaviour for 1e300 (found by fuzz_model).
    CNN_CHECK_CODE(v.is_number_integer(), ExitCode::kModel, "{}: training state field '{}' is not an integer", path, key);
    const bool fits = v.is_number_unsigned()
                          ? v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<T>::max())
                          : v.get<std::int64_t>() >= std::numeric_limits<T>::min() && v.get<std::int64_t>() <= std::numeric_limits<T>::max();
    CNN_CHECK_CODE(fits, ExitCode::kModel, "{}: training state field '{}' = {} is out of range", path, key, v.dump());
  }
  try {
    return v.get<T>();
  } catch (const json::exception&) {
    CNN_FAIL(ExitCode::kModel, "{}: training state field '{}' has the wrong type", path, key);
  }
}

}  // namespace

void save_checkpoint(const std::string& path, const ModelSpec& spec, const std::string& config_text, const Net& net,
                     Optimizer* optimizer, const TrainingProgress* progress, const nlohmann::json& settings,
                     const DataDescription* data, const WeightAverage* average) {
  json header = {{"format", "cnn-model"},
                 {"created_by", std::string("cnn ") + CNN_VERSION},
                 {"architecture", to_json(spec)},
                 {"config", config_text}};
  if (!settings.is_null()) header["settings"] = settings;
  if (data) header["data"] = data_description_to_json(*data);
  std::vector<std::pair<std::string, const Tensor*>> tensors;
  const std::vector<Param> named = params_and_state(net);
  const bool checkpoint = optimizer && progress;
  for (std::size_t i = 0; i < named.size(); ++i)
    tensors.emplace_back(named[i].name, average ? &average->tensors()[i] : named[i].value);
  if (average && checkpoint)
    for (const Param& p : named) tensors.emplace_back(kLivePrefix + p.name, p.value);
  if (checkpoint) {
    json rng = json::array();
    for (std::uint64_t word : progress->epoch_rng) rng.push_back(hex64(word));
    header["training"] = {{"epoch", progress->epoch},
                          {"batch", progress->batch},
                          {"global_step", progress->global_step},
                          {"epoch_rng", rng},
                          {"loss_sum", progress->loss_sum},
                          {"correct", progress->correct},
                          {"seen", progress->seen},
                          {"best_validation", progress->best_validation},
                          {"best_epoch", progress->best_epoch},
                          {"optimizer", optimizer_type_name(optimizer->config().type)},
                          {"optimizer_steps", optimizer->steps()}};
    if (average) header["training"]["average_updates"] = average->updates();
    for (const auto& [name, tensor] : optimizer->state()) tensors.emplace_back(name, tensor);
  }
  save_model_file(path, header, tensors);
}

TrainingProgress read_training_progress(const LoadedModel& model, const std::string& path) {
  CNN_CHECK_CODE(model.has_training_state(), ExitCode::kModel,
                 "{}: holds weights only, no training state to resume (use --init to start from its weights)", path);
  const json& t = model.contents.header["training"];
  CNN_CHECK_CODE(t.is_object(), ExitCode::kModel, "{}: malformed training state", path);
  TrainingProgress p;
  p.epoch = field<int>(t, "epoch", path);
  p.batch = field<std::int64_t>(t, "batch", path);
  p.global_step = field<std::int64_t>(t, "global_step", path);
  p.loss_sum = field<double>(t, "loss_sum", path);
  p.correct = field<std::int64_t>(t, "correct", path);
  p.seen = field<std::int64_t>(t, "seen", path);
  p.best_validation = field<double>(t, "best_validation", path);
  p.best_epoch = field<int>(t, "best_epoch", path);
  CNN_CHECK_CODE(p.epoch >= 0 && p.batch >= 0 && p.global_step >= 0 && p.seen >= 0, ExitCode::kModel,
                 "{}: negative counters in the training state", path);
  const json& rng = t.contains("epoch_rng") ? t["epoch_rng"] : json();
  CNN_CHECK_CODE(rng.is_array() && rng.size() == 4, ExitCode::kModel, "{}: malformed RNG state", path);
  for (std::size_t i = 0; i < 4; ++i) p.epoch_rng[i] = parse_hex64(rng[i], path);
  return p;
}

bool restore_average(const LoadedModel& model, Net& net, WeightAverage* average, const std::string& path) {
  const json& t = model.contents.header["training"];
  const bool saved = t.is_object() && t.contains("average_updates");
  const std::vector<Param> named = params_and_state(net);
  if (saved) {
    // The live tensors first, all of them checked, before anything changes.
    std::vector<const Tensor*> live;
    for (const Param& p : named) {
      const Tensor* t_live = model.contents.find(kLivePrefix + p.name);
      CNN_CHECK_CODE(t_live != nullptr && t_live->shape() == p.value->shape(), ExitCode::kModel,
                     "{}: the weight average's training weights '{}{}' are missing or have the wrong shape", path,
                     kLivePrefix, p.name);
      for (std::size_t i = 0; i < t_live->size(); ++i)
        CNN_CHECK_CODE(std::isfinite((*t_live)[i]), ExitCode::kModel, "{}: tensor '{}{}' holds a non-finite value at index {}",
                       path, kLivePrefix, p.name, i);
      live.push_back(t_live);
    }
    const auto updates = field<std::int64_t>(t, "average_updates", path);
    CNN_CHECK_CODE(updates >= 0, ExitCode::kModel, "{}: negative weight average update count", path);
    if (average) {
      for (std::size_t i = 0; i < named.size(); ++i) average->tensors()[i] = *named[i].value;
      average->set_updates(updates);
    }
    for (std::size_t i = 0; i < named.size(); ++i) *named[i].value = *live[i];
  }
  return saved;
}

TrainingProgress restore_training(const LoadedModel& model, Optimizer& optimizer, const std::string& path) {
  TrainingProgress p = read_training_progress(model, path);
  const json& t = model.contents.header["training"];
  const std::string type = field<std::string>(t, "optimizer", path);
  CNN_CHECK_CODE(type == optimizer_type_name(optimizer.config().type), ExitCode::kModel,
                 "{}: was trained with optimizer '{}', the config asks for '{}'", path, type,
                 optimizer_type_name(optimizer.config().type));
  for (const auto& [name, tensor] : optimizer.state()) {
    const Tensor* saved = model.contents.find(name);
    CNN_CHECK_CODE(saved != nullptr && saved->shape() == tensor->shape(), ExitCode::kModel,
                   "{}: optimizer state '{}' is missing or has the wrong shape", path, name);
    *tensor = *saved;
  }
  optimizer.set_steps(field<std::int64_t>(t, "optimizer_steps", path));
  return p;
}

}  // namespace cnn
