// Config reader: yaml-cpp plus a closed-schema walk that names file, line and key on any error.
//
// The file is untrusted (docs/behaviour.md, "Untrusted input"): only a regular file of at most
// 1 MiB is read; YAML nesting past yaml-cpp's depth guard, explicit tags and alias trees of more
// than kMaxNodes nodes are refused before the schema walk.
#include "config/config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <set>
#include <vector>

#include "config/layer_list.hpp"
#include "config/yaml_reader.hpp"
#include "core/error.hpp"

namespace cnn {
namespace {

using config_yaml::parse_layers;
using config_yaml::Reader;
using config_yaml::shorten;

constexpr std::size_t kMaxConfigBytes = std::size_t{1} << 20;

// The most YAML nodes a config may hold, a node counted again each time an alias reaches it:
// aliases share nodes, so a small file can describe an exponentially large tree ("billion
// laughs"), or a cyclic one (`&a [*a]`). The reference configs hold about a hundred.
constexpr std::size_t kMaxNodes = 100000;

// Reads the whole config file: a regular file of at most kMaxConfigBytes. The type is checked with
// stat before opening, since opening a FIFO for reading blocks until a writer appears and a device
// such as /dev/zero never ends; the file is then opened non-blocking and checked again (it may
// have been swapped meanwhile), and read only up to the limit + 1 byte whatever its size says.
std::string read_config_text(const std::string& path) {
  struct stat st {};
  CNN_CHECK_CODE(::stat(path.c_str(), &st) == 0, ExitCode::kUsage, "{}: cannot open the config file: {}", path,
                 std::strerror(errno));
  CNN_CHECK_CODE(S_ISREG(st.st_mode), ExitCode::kUsage, "{}: not a regular file (a folder, FIFO or device?); a config is a file",
                 path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  CNN_CHECK_CODE(fd >= 0, ExitCode::kUsage, "{}: cannot open the config file: {}", path, std::strerror(errno));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  CNN_CHECK_CODE(::fstat(fd, &st) == 0 && S_ISREG(st.st_mode), ExitCode::kUsage,
                 "{}: not a regular file (a folder, FIFO or device?); a config is a file", path);
  std::string text;
  char chunk[1 << 16];
  for (;;) {
    const std::size_t room = kMaxConfigBytes + 1 - text.size();  // never read past the limit + 1 byte
    const ssize_t got = ::read(fd, chunk, std::min(sizeof chunk, room));
    if (got < 0 && errno == EINTR) continue;
    CNN_CHECK_CODE(got >= 0, ExitCode::kUsage, "{}: cannot read the config file: {}", path, std::strerror(errno));
    if (got == 0) break;
    text.append(chunk, static_cast<std::size_t>(got));
    CNN_CHECK_CODE(text.size() <= kMaxConfigBytes, ExitCode::kUsage, "{}: config file larger than 1 MiB", path);
  }
  return text;
}


// Walks the whole YAML tree before the schema looks at it, iteratively and within kMaxNodes visits
// (aliases may repeat or cycle), and refuses every explicitly tagged node (`!!python/object ...`,
// `!foo`, `!!str`): the schema is plain data, so a tag could only be ignored, silently. yaml-cpp
// reports "?" for a plain scalar or an untagged collection, "!" for a quoted scalar (or the
// non-specific tag `!`) and "" for an empty value; anything else came from an explicit tag.
void check_tree(const Reader& r, const YAML::Node& root) {
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  struct Visit {
    YAML::Node node;
    std::size_t parent;  // index in `visits`; kNone for the root
    bool has_key;        // reached as a map key or value (else as a sequence element)
    YAML::Node key;      // that map key, kept as a node: keys may be long, paths are built on error
    std::size_t index;   // that sequence index
  };
  std::vector<Visit> visits{{root, kNone, false, YAML::Node(), 0}};
  std::vector<std::size_t> todo{0};

  // The key path of a visit (model.layers[0].conv), long cyclic paths elided in the middle.
  auto path_of = [&](std::size_t v) {
    std::vector<std::string> parts;
    for (; visits[v].parent != kNone; v = visits[v].parent) {
      const Visit& at = visits[v];
      parts.push_back(at.has_key ? (at.key.IsScalar() ? shorten(at.key.Scalar()) : std::string("?"))
                                 : fmt::format("[{}]", at.index));
    }
    if (parts.empty()) return std::string("(top level)");
    std::reverse(parts.begin(), parts.end());
    constexpr std::size_t kEnds = 6;
    if (parts.size() > 2 * kEnds) {
      const std::string elided = fmt::format("...({} more)...", parts.size() - 2 * kEnds);
      parts.erase(parts.begin() + kEnds, parts.end() - kEnds);
      parts.insert(parts.begin() + kEnds, elided);
    }
    std::string path;
    for (const auto& part : parts) path += (path.empty() || part[0] == '[' ? "" : ".") + part;
    return path;
  };
  auto add = [&](std::size_t parent, const YAML::Node& node, bool has_key, const YAML::Node& key, std::size_t index) {
    if (visits.size() >= kMaxNodes)
      r.fail(node, path_of(parent),
             fmt::format("more than {} YAML nodes (counting a node each time an alias reaches it); a cnn config has a "
                         "few hundred, so this looks like an alias bomb or a cycle",
                         kMaxNodes));
    visits.push_back({node, parent, has_key, key, index});
    todo.push_back(visits.size() - 1);
  };

  while (!todo.empty()) {
    const std::size_t v = todo.back();
    todo.pop_back();
    const YAML::Node node = visits[v].node;  // a handle: `visits` may reallocate below
    const std::string& tag = node.Tag();
    if (!tag.empty() && tag != "?" && tag != "!")
      r.fail(node, path_of(v), fmt::format("explicit YAML tag '{}' is not allowed (a config is plain data: remove the tag)",
                                           shorten(tag)));
    const std::size_t first = todo.size();
    if (node.IsMap()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        add(v, it->first, true, it->first, 0);  // the key is a node too, and may carry a tag
        add(v, it->second, true, it->first, 0);
      }
    } else if (node.IsSequence()) {
      std::size_t i = 0;
      for (auto it = node.begin(); it != node.end(); ++it) add(v, *it, false, YAML::Node(), i++);
    }
    std::reverse(todo.begin() + static_cast<std::ptrdiff_t>(first), todo.end());  // document order
  }
}

void parse_model(const Reader& r, const YAML::Node& m, ModelSpec& spec) {
  r.check_map(m, "model", {"input", "layers", "init"}, {"input", "layers"});
  const YAML::Node input = m["input"];
  if (!input.IsSequence() || input.size() != 3) r.fail(input, "model.input", "expected [channels, height, width]");
  spec.input = Shape{static_cast<int>(r.get_int(input[0], "model.input", 1, kMaxInputSize)),
                     static_cast<int>(r.get_int(input[1], "model.input", 1, kMaxInputSize)),
                     static_cast<int>(r.get_int(input[2], "model.input", 1, kMaxInputSize))};
  parse_layers(r, m["layers"], spec);
  if (m["init"]) {
    const std::string init = r.get_string(m["init"], "model.init");
    if (!kInitNames.parse(init, &spec.init))
      r.fail(m["init"], "model.init", "unknown initializer '" + shorten(init) + "' (expected " + kInitNames.names() + ")");
  }
}

void parse_optimizer(const Reader& r, const YAML::Node& o, OptimizerConfig& opt) {
  r.check_map(o, "train.optimizer", {"type", "lr", "momentum", "beta1", "beta2", "eps"}, {"type"});
  const std::string type = r.get_string(o["type"], "train.optimizer.type");
  if (!kOptimizerNames.parse(type, &opt.type))
    r.fail(o["type"], "train.optimizer.type", "unknown optimizer '" + shorten(type) + "' (expected " + kOptimizerNames.names() + ")");
  if (o["lr"]) opt.lr = static_cast<float>(r.get_number(o["lr"], "train.optimizer.lr", 1e-12, 10.0));
  if (o["momentum"]) opt.momentum = static_cast<float>(r.get_number(o["momentum"], "train.optimizer.momentum", 0.0, 0.999999));
  if (o["beta1"]) opt.beta1 = static_cast<float>(r.get_number(o["beta1"], "train.optimizer.beta1", 0.0, 0.999999));
  if (o["beta2"]) opt.beta2 = static_cast<float>(r.get_number(o["beta2"], "train.optimizer.beta2", 0.0, 0.999999999));
  if (o["eps"]) opt.eps = static_cast<float>(r.get_number(o["eps"], "train.optimizer.eps", 1e-12, 1.0));
  const bool uses_momentum = opt.type == OptimizerType::kMomentum || opt.type == OptimizerType::kNesterov;
  if (o["momentum"] && !uses_momentum) r.fail(o["momentum"], "train.optimizer.momentum", "only momentum and nesterov use it");
  for (const char* key : {"beta1", "beta2", "eps"})
    if (o[key] && !uses_adam_moments(opt.type)) r.fail(o[key], std::string("train.optimizer.") + key, "only adam and adamw use it");
}

void parse_schedule(const Reader& r, const YAML::Node& s, ScheduleConfig& schedule) {
  if (s.IsScalar()) {
    if (!kScheduleNames.parse(s.Scalar(), &schedule.type) || schedule.type != ScheduleType::kConstant)
      r.fail(s, "train.schedule", "expected constant, or a mapping such as {type: step, step_epochs: 5, gamma: 0.5}");
    return;
  }
  r.check_map(s, "train.schedule",
              {"type", "step_epochs", "gamma", "min_lr", "warmup_epochs", "warmup_start_factor", "pct_start", "div_factor",
               "final_div_factor"},
              {"type"});
  const std::string type = r.get_string(s["type"], "train.schedule.type");
  if (!kScheduleNames.parse(type, &schedule.type))
    r.fail(s["type"], "train.schedule.type", "unknown schedule '" + shorten(type) + "' (expected " + kScheduleNames.names() + ")");
  if (s["step_epochs"]) schedule.step_epochs = static_cast<int>(r.get_int(s["step_epochs"], "train.schedule.step_epochs", 1, 100000));
  if (s["gamma"]) schedule.gamma = static_cast<float>(r.get_number(s["gamma"], "train.schedule.gamma", 0.0, 1.0));
  if (s["min_lr"]) schedule.min_lr = static_cast<float>(r.get_number(s["min_lr"], "train.schedule.min_lr", 0.0, 10.0));
  const bool one_cycle = schedule.type == ScheduleType::kOneCycle;
  for (const char* key : {"warmup_epochs", "warmup_start_factor"})
    if (s[key] && one_cycle) r.fail(s[key], std::string("train.schedule.") + key, "one_cycle has its own warm-up (pct_start)");
  for (const char* key : {"pct_start", "div_factor", "final_div_factor"})
    if (s[key] && !one_cycle) r.fail(s[key], std::string("train.schedule.") + key, "only one_cycle uses it");
  if (s["warmup_epochs"])
    schedule.warmup_epochs = static_cast<int>(r.get_int(s["warmup_epochs"], "train.schedule.warmup_epochs", 0, 100000));
  if (s["warmup_start_factor"])
    schedule.warmup_start_factor =
        static_cast<float>(r.get_number(s["warmup_start_factor"], "train.schedule.warmup_start_factor", 0.0, 1.0));
  if (s["pct_start"]) schedule.pct_start = static_cast<float>(r.get_number(s["pct_start"], "train.schedule.pct_start", 0.01, 0.99));
  if (s["div_factor"]) schedule.div_factor = static_cast<float>(r.get_number(s["div_factor"], "train.schedule.div_factor", 1.0, 1e6));
  if (s["final_div_factor"])
    schedule.final_div_factor =
        static_cast<float>(r.get_number(s["final_div_factor"], "train.schedule.final_div_factor", 1.0, 1e9));
}

// A [min, max] pair of numbers in [lo, hi], min <= max; `example` goes into the error message.
void read_range(const Reader& r, const YAML::Node& s, const std::string& key, const char* example, double lo, double hi,
                float& min, float& max) {
  if (!s.IsSequence() || s.size() != 2) r.fail(s, key, fmt::format("expected a [min, max] pair such as {}", example));
  min = static_cast<float>(r.get_number(s[0], key, lo, hi));
  max = static_cast<float>(r.get_number(s[1], key, lo, hi));
  if (min > max) r.fail(s, key, fmt::format("min {} is above max {}", min, max));
}

// train.augment: every transform off unless named; ranges keep a digit recognisable at the limits
// and a zero-size image impossible (scale > 0).
void parse_augment(const Reader& r, const YAML::Node& a, AugmentConfig& augment) {
  r.check_map(a, "train.augment", {"rotation", "scale", "shear", "translate", "elastic", "flip", "crop", "cutout", "erasing"});
  if (a["rotation"]) augment.rotation = static_cast<float>(r.get_number(a["rotation"], "train.augment.rotation", 0.0, 180.0));
  if (a["scale"]) read_range(r, a["scale"], "train.augment.scale", "[0.9, 1.1]", 0.1, 10.0, augment.scale_min, augment.scale_max);
  if (a["shear"]) augment.shear = static_cast<float>(r.get_number(a["shear"], "train.augment.shear", 0.0, 60.0));
  if (a["translate"]) augment.translate = static_cast<float>(r.get_number(a["translate"], "train.augment.translate", 0.0, 1000.0));
  if (a["elastic"]) {
    const YAML::Node e = a["elastic"];
    r.check_map(e, "train.augment.elastic", {"alpha", "sigma"}, {"alpha", "sigma"});
    augment.elastic_alpha = static_cast<float>(r.get_number(e["alpha"], "train.augment.elastic.alpha", 0.0, 1000.0));
    augment.elastic_sigma = static_cast<float>(r.get_number(e["sigma"], "train.augment.elastic.sigma", 0.5, 100.0));
  }
  if (a["flip"]) augment.flip = r.get_bool(a["flip"], "train.augment.flip");
  if (a["crop"]) augment.crop = static_cast<int>(r.get_int(a["crop"], "train.augment.crop", 0, 1000));
  if (a["cutout"]) augment.cutout = static_cast<int>(r.get_int(a["cutout"], "train.augment.cutout", 0, 4096));
  if (a["erasing"]) {
    const YAML::Node e = a["erasing"];
    r.check_map(e, "train.augment.erasing", {"p", "scale", "ratio"}, {"p"});
    augment.erase_p = static_cast<float>(r.get_number(e["p"], "train.augment.erasing.p", 0.0, 1.0));
    if (e["scale"])
      read_range(r, e["scale"], "train.augment.erasing.scale", "[0.02, 0.33]", 1e-4, 1.0, augment.erase_scale_min,
                 augment.erase_scale_max);
    if (e["ratio"])
      read_range(r, e["ratio"], "train.augment.erasing.ratio", "[0.3, 3.3]", 0.01, 100.0, augment.erase_ratio_min,
                 augment.erase_ratio_max);
  }
}

void parse_train(const Reader& r, const YAML::Node& t, TrainSettings& train) {
  r.check_map(t, "train",
              {"epochs", "batch_size", "optimizer", "schedule", "weight_decay", "label_smoothing", "clip_grad_norm",
               "early_stopping", "decay_biases", "ema", "tensorboard", "seed", "threads", "augment", "tta"});
  if (t["epochs"]) train.epochs = static_cast<int>(r.get_int(t["epochs"], "train.epochs", 1, 100000));
  if (t["batch_size"]) train.batch_size = static_cast<int>(r.get_int(t["batch_size"], "train.batch_size", 1, 65536));
  if (t["optimizer"]) parse_optimizer(r, t["optimizer"], train.optimizer);
  if (t["schedule"]) parse_schedule(r, t["schedule"], train.schedule);
  if (t["weight_decay"]) train.optimizer.weight_decay = static_cast<float>(r.get_number(t["weight_decay"], "train.weight_decay", 0.0, 1.0));
  if (t["label_smoothing"])
    train.label_smoothing = static_cast<float>(r.get_number(t["label_smoothing"], "train.label_smoothing", 0.0, 0.999));
  if (t["clip_grad_norm"])
    train.clip_grad_norm = static_cast<float>(r.get_number(t["clip_grad_norm"], "train.clip_grad_norm", 1e-6, 1e6));
  if (t["decay_biases"]) train.decay_biases = r.get_bool(t["decay_biases"], "train.decay_biases");
  if (t["tensorboard"]) train.tensorboard = r.get_bool(t["tensorboard"], "train.tensorboard");
  if (t["early_stopping"]) {
    const YAML::Node e = t["early_stopping"];
    r.check_map(e, "train.early_stopping", {"patience"}, {"patience"});
    train.early_stopping_patience = static_cast<int>(r.get_int(e["patience"], "train.early_stopping.patience", 1, 100000));
  }
  if (t["ema"]) {
    const YAML::Node e = t["ema"];
    r.check_map(e, "train.ema", {"decay", "tau"}, {"decay"});
    train.average.decay = static_cast<float>(r.get_number(e["decay"], "train.ema.decay", 1e-6, 0.999999));
    if (e["tau"]) train.average.tau = static_cast<float>(r.get_number(e["tau"], "train.ema.tau", 0.0, 1e9));
  }
  if (t["seed"]) train.seed = static_cast<std::uint64_t>(r.get_int(t["seed"], "train.seed", 0, std::numeric_limits<std::int64_t>::max()));
  if (t["threads"]) train.threads = static_cast<int>(r.get_int(t["threads"], "train.threads", 1, 1024));
  if (t["augment"]) parse_augment(r, t["augment"], train.augment);
  if (t["tta"]) {
    const std::string name = r.get_string(t["tta"], "train.tta");
    if (name != "none" && name != "flip" && name != "flip-translate")
      r.fail(t["tta"], "train.tta", "'" + name + "' is not none, flip or flip-translate");
    train.validation_tta = parse_tta(name);
  }
}

bool get_bool(const Reader& r, const YAML::Node& node, const std::string& key) {
  if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) return node.Scalar() == "true";
  r.fail(node, key, "expected true or false");
}

std::vector<float> get_channel_values(const Reader& r, const YAML::Node& node, const std::string& key, double lo, double hi) {
  if (!node.IsSequence() || node.size() == 0 || node.size() > 4096) r.fail(node, key, "expected a list of numbers, one per channel");
  std::vector<float> values;
  for (std::size_t i = 0; i < node.size(); ++i) values.push_back(static_cast<float>(r.get_number(node[i], key, lo, hi)));
  return values;
}

void parse_normalize(const Reader& r, const YAML::Node& n, DataConfig& data) {
  if (n.IsScalar()) {
    if (n.Scalar() == "auto") data.normalize = NormalizeMode::kAuto;
    else if (n.Scalar() == "none") data.normalize = NormalizeMode::kNone;
    else r.fail(n, "data.normalize", "expected auto, none, or {mean: [...], std: [...]} (one value per channel, [0, 1] scale)");
    return;
  }
  r.check_map(n, "data.normalize", {"mean", "std"}, {"mean", "std"});
  data.normalize = NormalizeMode::kGiven;
  data.normalization.mean = get_channel_values(r, n["mean"], "data.normalize.mean", -1e6, 1e6);
  data.normalization.std = get_channel_values(r, n["std"], "data.normalize.std", 1e-6, 1e6);
  if (data.normalization.mean.size() != data.normalization.std.size())
    r.fail(n, "data.normalize", fmt::format("mean has {} values but std has {}", data.normalization.mean.size(),
                                            data.normalization.std.size()));
}

void parse_data(const Reader& r, const YAML::Node& d, DataConfig& data) {
  r.check_map(d, "data", {"dir", "validation", "format", "transpose", "class_names", "normalize", "skip_bad_images"});
  if (d["dir"]) data.dir = r.get_string(d["dir"], "data.dir");
  if (d["validation"]) data.validation = static_cast<int>(r.get_int(d["validation"], "data.validation", 0, 100000000));
  if (d["format"]) {
    const std::string format = r.get_string(d["format"], "data.format");
    if (!kDataFormatNames.parse(format, &data.format))
      r.fail(d["format"], "data.format", "unknown format '" + shorten(format) + "' (expected " + kDataFormatNames.names() + ")");
  }
  if (d["transpose"]) {
    data.transpose = get_bool(r, d["transpose"], "data.transpose");
    if (data.format != DataFormat::kIdx) r.fail(d["transpose"], "data.transpose", "only IDX data (format: idx) can be transposed");
  }
  if (d["class_names"]) {
    const YAML::Node names = d["class_names"];
    if (data.format != DataFormat::kIdx)
      r.fail(names, "data.class_names",
             "only IDX data takes class names here (a folder's are its folder names, CIFAR-10's are in batches.meta.txt)");
    if (names.IsSequence()) {
      if (names.size() == 0 || names.size() > static_cast<std::size_t>(kMaxClasses))
        r.fail(names, "data.class_names", fmt::format("expected 1 to {} names", kMaxClasses));
      for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string key = fmt::format("data.class_names[{}]", i);
        data.class_names.push_back(r.get_string(names[i], key));
        try {
          check_class_name(data.class_names.back(), key, ExitCode::kUsage);
        } catch (const Error& e) {
          r.fail(names[i], key, e.what());
        }
      }
    } else {
      data.class_names_file = r.get_string(names, "data.class_names");
    }
  }
  if (d["normalize"]) parse_normalize(r, d["normalize"], data);
  if (d["skip_bad_images"]) {
    data.skip_bad_images = get_bool(r, d["skip_bad_images"], "data.skip_bad_images");
    if (data.format != DataFormat::kFolder)
      r.fail(d["skip_bad_images"], "data.skip_bad_images", "only folder data (format: folder) decodes image files");
  }
}

// The shortest decimal that reads back as the same float ("0.9", not 0.8999999761581421).
double readable(float value) { return std::stod(fmt::format("{}", value)); }

YAML::Node load_yaml(const std::string& text, const std::string& name) {
  try {
    return YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    CNN_FAIL(ExitCode::kUsage, "{}:{}: YAML nested too deeply (yaml-cpp's parser stops at depth {}; a cnn config nests 4 levels)",
             name, e.mark.line + 1, e.depth());
  } catch (const YAML::Exception& e) {
    CNN_FAIL(ExitCode::kUsage, "{}:{}: YAML syntax error: {}", name, e.mark.line + 1, e.msg);
  }
}

}  // namespace

RunConfig parse_config(const std::string& text, const std::string& name) {
  Reader r(name);
  YAML::Node root = load_yaml(text, name);
  check_tree(r, root);
  if (!root.IsMap()) CNN_FAIL(ExitCode::kUsage, "{}: expected a mapping with data, model, train and output", name);
  r.check_map(root, "", {"data", "model", "train", "output"}, {"model"});
  RunConfig config;
  config.text = text;
  if (root["data"]) parse_data(r, root["data"], config.data);
  parse_model(r, root["model"], config.model);
  if (root["train"]) parse_train(r, root["train"], config.train);
  if (root["output"]) config.output = r.get_string(root["output"], "output");
  const int channels = config.model.input[0];
  if (config.data.normalize == NormalizeMode::kGiven && config.data.normalization.mean.size() != static_cast<std::size_t>(channels))
    r.fail(root["data"]["normalize"], "data.normalize",
           fmt::format("{} values per list, but the model input has {} channels", config.data.normalization.mean.size(), channels));
  return config;
}

namespace {

// The data section in the config's own schema; keys at their defaults are left out, so that
// settings recorded before they existed and after read the same.
nlohmann::json data_settings_to_json(const DataConfig& d) {
  nlohmann::json data = {{"dir", d.dir}, {"validation", d.validation}};
  if (d.format != DataFormat::kIdx) data["format"] = kDataFormatNames.name(d.format);
  if (d.transpose) data["transpose"] = true;
  if (!d.class_names.empty()) data["class_names"] = d.class_names;
  if (!d.class_names_file.empty()) data["class_names"] = d.class_names_file;
  if (d.normalize == NormalizeMode::kAuto) data["normalize"] = "auto";
  if (d.normalize == NormalizeMode::kGiven) {
    std::vector<double> mean, std;
    for (float v : d.normalization.mean) mean.push_back(readable(v));
    for (float v : d.normalization.std) std.push_back(readable(v));
    data["normalize"] = {{"mean", mean}, {"std", std}};
  }
  if (d.skip_bad_images) data["skip_bad_images"] = true;
  return data;
}

}  // namespace

nlohmann::json settings_to_json(const RunConfig& config) {
  using nlohmann::json;
  const TrainSettings& t = config.train;
  json optimizer = {{"type", optimizer_type_name(t.optimizer.type)}, {"lr", readable(t.optimizer.lr)}};
  if (t.optimizer.type == OptimizerType::kMomentum || t.optimizer.type == OptimizerType::kNesterov)
    optimizer["momentum"] = readable(t.optimizer.momentum);
  if (uses_adam_moments(t.optimizer.type)) {
    optimizer["beta1"] = readable(t.optimizer.beta1);
    optimizer["beta2"] = readable(t.optimizer.beta2);
    optimizer["eps"] = readable(t.optimizer.eps);
  }
  json schedule = {{"type", schedule_type_name(t.schedule.type)}};
  if (t.schedule.type == ScheduleType::kStep) {
    schedule["step_epochs"] = t.schedule.step_epochs;
    schedule["gamma"] = readable(t.schedule.gamma);
  }
  if (t.schedule.type == ScheduleType::kCosine) schedule["min_lr"] = readable(t.schedule.min_lr);
  if (t.schedule.warmup_epochs > 0) {  // absent without a warm-up, as before
    schedule["warmup_epochs"] = t.schedule.warmup_epochs;
    schedule["warmup_start_factor"] = readable(t.schedule.warmup_start_factor);
  }
  if (t.schedule.type == ScheduleType::kOneCycle) {
    schedule["pct_start"] = readable(t.schedule.pct_start);
    schedule["div_factor"] = readable(t.schedule.div_factor);
    schedule["final_div_factor"] = readable(t.schedule.final_div_factor);
  }
  json train = {{"epochs", t.epochs},          {"batch_size", t.batch_size},
                {"optimizer", optimizer},      {"schedule", schedule},
                {"weight_decay", readable(t.optimizer.weight_decay)}, {"seed", t.seed}};
  if (t.threads > 0) train["threads"] = t.threads;
  if (t.label_smoothing > 0.0f) train["label_smoothing"] = readable(t.label_smoothing);  // absent when off, as before
  if (t.clip_grad_norm > 0.0f) train["clip_grad_norm"] = readable(t.clip_grad_norm);
  if (t.early_stopping_patience > 0) train["early_stopping"] = {{"patience", t.early_stopping_patience}};
  if (!t.decay_biases) train["decay_biases"] = false;
  if (t.average.enabled()) train["ema"] = {{"decay", readable(t.average.decay)}, {"tau", readable(t.average.tau)}};  // absent when off
  if (t.tensorboard) train["tensorboard"] = true;  // absent when off, as before
  if (t.validation_tta != TestTimeAugmentation::kNone) train["tta"] = tta_name(t.validation_tta);  // likewise
  if (t.augment.enabled()) {  // absent when off, so that runs without augmentation record what they always did
    const AugmentConfig& a = t.augment;
    json augment = {{"rotation", readable(a.rotation)},
                    {"scale", {readable(a.scale_min), readable(a.scale_max)}},
                    {"shear", readable(a.shear)},
                    {"translate", readable(a.translate)},
                    {"flip", a.flip},
                    {"crop", a.crop}};
    if (a.elastic()) augment["elastic"] = {{"alpha", readable(a.elastic_alpha)}, {"sigma", readable(a.elastic_sigma)}};
    if (a.cutout > 0) augment["cutout"] = a.cutout;  // absent when off, as before cutout existed
    if (a.erasing())  // likewise
      augment["erasing"] = {{"p", readable(a.erase_p)},
                            {"scale", {readable(a.erase_scale_min), readable(a.erase_scale_max)}},
                            {"ratio", {readable(a.erase_ratio_min), readable(a.erase_ratio_max)}}};
    train["augment"] = augment;
  }
  return {{"data", data_settings_to_json(config.data)},
          {"train", train},
          {"output", config.output}};
}

RunConfig parse_settings(const nlohmann::json& settings, const std::string& name) {
  // JSON is YAML: the recorded settings go through the config's own schema, ranges and messages.
  Reader r(name);
  CNN_CHECK_CODE(settings.is_object(), ExitCode::kModel, "{}: the recorded settings are not an object", name);
  const YAML::Node root = load_yaml(settings.dump(), name);
  r.check_map(root, "", {"data", "train", "output"}, {"data", "train", "output"});
  RunConfig config;
  parse_data(r, root["data"], config.data);
  parse_train(r, root["train"], config.train);
  config.output = r.get_string(root["output"], "output");
  return config;
}

RunConfig load_config(const std::string& path) {
  return parse_config(read_config_text(path), path);
}

}  // namespace cnn
