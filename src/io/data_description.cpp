// DataDescription's JSON form and its checked reader; see data_description.hpp.
#include "io/data_description.hpp"

#include <cmath>

#include "core/error.hpp"

namespace cnn {
namespace {

constexpr int kMaxChannels = 4096;

using nlohmann::json;

// Reads the header's "data" object key by key, naming `name` and "data.<key>" on any problem.
class DataJson {
 public:
  DataJson(const json& j, const std::string& name) : j_(j), name_(name) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    CNN_FAIL(ExitCode::kModel, "{}: header data.{}: {}", name_, key, what);
  }
  const json& at(const char* key) const {
    if (!j_.contains(key)) fail(key, "missing");
    return j_[key];
  }
  std::string word(const char* key) const {
    const json& v = at(key);
    if (!v.is_string()) fail(key, "expected a string");
    return v.get<std::string>();
  }
  std::vector<float> floats(const json& v, const std::string& key, std::size_t count, bool positive) const {
    if (!v.is_array() || v.size() != count) fail(key, fmt::format("expected a list of {} numbers (one per channel)", count));
    std::vector<float> out;
    for (const json& x : v) {
      if (!x.is_number()) fail(key, "expected numbers");
      const double d = x.get<double>();
      if (!std::isfinite(d) || std::fabs(d) > 1e6 || (positive && !(d > 1e-12)))
        fail(key, fmt::format("{} is out of range{}", d, positive ? " (a standard deviation must be positive)" : ""));
      out.push_back(static_cast<float>(d));
    }
    return out;
  }

 private:
  const json& j_;
  const std::string& name_;
};

}  // namespace

std::vector<std::string> default_class_names(int classes) {
  std::vector<std::string> names;
  for (int c = 0; c < classes; ++c) names.push_back(std::to_string(c));
  return names;
}

DataDescription legacy_data_description(int classes, int channels) {
  DataDescription d;
  d.class_names = default_class_names(classes);
  d.channels = channels;
  return d;
}

void check_class_name(const std::string& name, const std::string& where, ExitCode code) {
  CNN_CHECK_CODE(!name.empty(), code, "{}: a class name is empty", where);
  CNN_CHECK_CODE(name.size() <= kMaxClassNameBytes, code, "{}: class name of {} bytes is longer than {}", where, name.size(),
                 kMaxClassNameBytes);
  for (const char ch : name)
    CNN_CHECK_CODE(static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f, code,
                   "{}: class name '{}' holds a control character (byte 0x{:02x})", where,
                   name.substr(0, 64), static_cast<unsigned char>(ch));
}

json data_description_to_json(const DataDescription& d) {
  json j = {{"format", kDataFormatNames.name(d.format)},
            {"classes", d.class_names},
            {"channels", d.channels},
            {"preparation", kPreparationNames.name(d.preparation)}};
  if (d.transpose) j["transpose"] = true;
  if (d.normalization.enabled()) {
    // Shortest decimals that read back as the same floats.
    auto readable = [](const std::vector<float>& v) {
      std::vector<double> out;
      for (float x : v) out.push_back(std::stod(fmt::format("{}", x)));
      return out;
    };
    j["normalization"] = {{"mean", readable(d.normalization.mean)}, {"std", readable(d.normalization.std)}};
  }
  return j;
}

DataDescription data_description_from_json(const json& j, const std::string& name) {
  CNN_CHECK_CODE(j.is_object(), ExitCode::kModel, "{}: header data: expected an object", name);
  const DataJson r(j, name);
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    if (key != "format" && key != "classes" && key != "channels" && key != "preparation" && key != "transpose" &&
        key != "normalization")
      r.fail(key.substr(0, 64), "unknown key (expected format, classes, channels, preparation, transpose, normalization)");
  }
  DataDescription d;
  const std::string format = r.word("format");
  if (!kDataFormatNames.parse(format, &d.format))
    r.fail("format", fmt::format("unknown format '{}' (expected {})", format.substr(0, 64), kDataFormatNames.names()));
  const std::string preparation = r.word("preparation");
  if (!kPreparationNames.parse(preparation, &d.preparation))
    r.fail("preparation",
           fmt::format("unknown preparation '{}' (expected {})", preparation.substr(0, 64), kPreparationNames.names()));
  const json& channels = r.at("channels");
  if (!channels.is_number_integer() || channels.get<std::int64_t>() < 1 || channels.get<std::int64_t>() > kMaxChannels)
    r.fail("channels", fmt::format("expected an integer from 1 to {}", kMaxChannels));
  d.channels = channels.get<int>();
  if (j.contains("transpose")) {
    if (!j["transpose"].is_boolean()) r.fail("transpose", "expected true or false");
    d.transpose = j["transpose"].get<bool>();
  }
  const json& classes = r.at("classes");
  if (!classes.is_array() || classes.empty() || classes.size() > static_cast<std::size_t>(kMaxClasses))
    r.fail("classes", fmt::format("expected a list of 1 to {} class names", kMaxClasses));
  for (std::size_t c = 0; c < classes.size(); ++c) {
    if (!classes[c].is_string()) r.fail("classes", fmt::format("entry {} is not a string", c));
    d.class_names.push_back(classes[c].get<std::string>());
    check_class_name(d.class_names.back(), fmt::format("{}: header data.classes[{}]", name, c), ExitCode::kModel);
  }
  if (j.contains("normalization")) {
    const json& n = j["normalization"];
    if (!n.is_object() || n.size() != 2 || !n.contains("mean") || !n.contains("std"))
      r.fail("normalization", "expected {\"mean\": [...], \"std\": [...]}");
    const auto count = static_cast<std::size_t>(d.channels);
    d.normalization.mean = r.floats(n["mean"], "normalization.mean", count, false);
    d.normalization.std = r.floats(n["std"], "normalization.std", count, true);
  }
  return d;
}

}  // namespace cnn
