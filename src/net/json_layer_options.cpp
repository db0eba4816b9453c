// JsonLayerOptions implementation; see json_layer_options.hpp.
#include "net/json_layer_options.hpp"

#include "core/error.hpp"

namespace cnn {

void JsonLayerOptions::fail(const char* key, const std::string& what) const {
  CNN_FAIL(ExitCode::kModel, "architecture: {}.{}: {}", where_, key, what);
}

void JsonLayerOptions::allow_only(std::initializer_list<const char*> keys) const {
  CNN_CHECK_CODE(options_.is_object(), ExitCode::kModel, "architecture: {} is not an object", where_);
  for (const auto& item : options_.items()) {
    bool known = false;
    for (const char* k : keys) known = known || item.key() == k;
    if (!known) {
      std::string expected;
      for (const char* k : keys) expected += (expected.empty() ? "" : ", ") + std::string(k);
      CNN_FAIL(ExitCode::kModel, "architecture: {} has unknown key '{}' (expected {})", where_, item.key(),
               expected.empty() ? "none" : expected);
    }
  }
}

bool JsonLayerOptions::has(const char* key) const { return options_.is_object() && options_.contains(key); }

const nlohmann::json& JsonLayerOptions::at(const char* key) const {
  if (!has(key)) fail(key, "missing");
  return options_.at(key);
}

int JsonLayerOptions::checked(const nlohmann::json& v, const char* key, int lo, int hi) const {
  if (!v.is_number_integer()) fail(key, "not an integer");
  // A value beyond int64 is stored unsigned by nlohmann: compare it as such before narrowing.
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(hi))
    fail(key, fmt::format("{} is outside [{}, {}]", v.get<std::uint64_t>(), lo, hi));
  const auto x = v.get<std::int64_t>();
  if (x < lo || x > hi) fail(key, fmt::format("{} is outside [{}, {}]", x, lo, hi));
  return static_cast<int>(x);
}

int JsonLayerOptions::integer(const char* key, int lo, int hi) const { return checked(at(key), key, lo, hi); }

std::pair<int, int> JsonLayerOptions::int_pair(const char* key, int lo, int hi) const {
  const nlohmann::json& v = at(key);
  if (v.is_number()) {
    const int n = checked(v, key, lo, hi);
    return {n, n};
  }
  if (!v.is_array() || v.size() != 2) fail(key, "must be an integer or a pair of integers");
  return {checked(v[0], key, lo, hi), checked(v[1], key, lo, hi)};
}

double JsonLayerOptions::number(const char* key, double lo, double hi) const {
  const nlohmann::json& v = at(key);
  if (!v.is_number()) fail(key, "not a number");
  const double x = v.get<double>();
  if (!(x >= lo && x <= hi)) fail(key, fmt::format("{} is outside [{}, {}]", x, lo, hi));  // NaN fails too
  return x;
}

std::string JsonLayerOptions::word(const char* key) const {
  const nlohmann::json& v = at(key);
  if (!v.is_string()) fail(key, "must be a string");
  return v.get<std::string>();
}

bool JsonLayerOptions::boolean(const char* key) const {
  const nlohmann::json& v = at(key);
  if (!v.is_boolean()) fail(key, "must be true or false");
  return v.get<bool>();
}

bool JsonLayerOptions::is_word(const char* key) const { return has(key) && options_.at(key).is_string(); }

}  // namespace cnn
