// The YAML side of the config reader, shared by its parts (config.cpp, layer_list.cpp): Reader
// reads scalars and checks maps, naming the file, line and key path on any error;
// YamlLayerOptions is a layer's options in the config, read through its kind's schema.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "layers/layer_options.hpp"

namespace cnn::config_yaml {

// A key or value as quoted in a message: long ones cut, so that a 1 MiB key gives a short error.
inline std::string shorten(const std::string& text) {
  constexpr std::size_t kKeep = 64;
  if (text.size() <= kKeep) return text;
  return fmt::format("{}... ({} bytes)", text.substr(0, kKeep), text.size());
}


class Reader {
 public:
  explicit Reader(std::string name) : name_(std::move(name)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& key, const std::string& what) const {
    const int line = at.Mark().line >= 0 ? at.Mark().line + 1 : 0;
    if (line > 0) CNN_FAIL(ExitCode::kUsage, "{}:{}: {}: {}", name_, line, key, what);
    CNN_FAIL(ExitCode::kUsage, "{}: {}: {}", name_, key, what);
  }

  // Checks that `node` is a map whose keys are all in `allowed`, each once, and that every key
  // of `required` is present.
  void check_map(const YAML::Node& node, const std::string& where, const std::set<std::string>& allowed,
                 const std::set<std::string>& required = {}) const {
    if (!node.IsMap()) fail(node, where, "expected a mapping of keys to values");
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.Scalar();
      const std::string path = where.empty() ? shorten(key) : where + "." + shorten(key);
      if (!allowed.count(key)) {
        std::string expected;
        for (const auto& a : allowed) expected += (expected.empty() ? "" : ", ") + a;
        fail(it->first, path, "unknown key (expected one of: " + expected + ")");
      }
      if (!seen.insert(key).second) fail(it->first, path, "duplicate key");
    }
    for (const auto& key : required)
      if (!seen.count(key)) fail(node, where.empty() ? key : where + "." + key, "missing required key");
  }

  // Integers and numbers are parsed with strtoll/strtod over the whole scalar: "3.5", "1e3" or
  // "12abc" are not integers, and a value past what the type holds is out of range, not wrapped.
  std::int64_t get_int(const YAML::Node& node, const std::string& key, std::int64_t lo, std::int64_t hi) const {
    if (!node.IsScalar()) fail(node, key, "expected an integer");
    const std::string& text = node.Scalar();
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || end != text.c_str() + text.size() || std::isspace(static_cast<unsigned char>(text[0])))
      fail(node, key, "expected an integer, got '" + shorten(text) + "'");
    if (errno == ERANGE) fail(node, key, fmt::format("{} is out of range [{}, {}]", shorten(text), lo, hi));
    if (v < lo || v > hi) fail(node, key, fmt::format("{} is out of range [{}, {}]", v, lo, hi));
    return v;
  }

  double get_number(const YAML::Node& node, const std::string& key, double lo, double hi) const {
    if (!node.IsScalar()) fail(node, key, "expected a number");
    const std::string& text = node.Scalar();
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || std::isspace(static_cast<unsigned char>(text[0])) ||
        (errno != ERANGE && !std::isfinite(v)))
      fail(node, key, "expected a number, got '" + shorten(text) + "'");
    if (errno == ERANGE) fail(node, key, fmt::format("{} is out of range [{}, {}]", shorten(text), lo, hi));
    if (v < lo || v > hi) fail(node, key, fmt::format("{} is out of range [{}, {}]", v, lo, hi));
    return v;
  }

  std::string get_string(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar() || node.Scalar().empty()) fail(node, key, "expected a non-empty string");
    return node.Scalar();
  }

  bool get_bool(const YAML::Node& node, const std::string& key) const {
    if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) return node.Scalar() == "true";
    fail(node, key, "expected true or false");
  }

  // An integer or a [height, width] pair.
  std::pair<int, int> get_pair(const YAML::Node& node, const std::string& key, int lo, int hi) const {
    if (node.IsScalar()) {
      const int v = static_cast<int>(get_int(node, key, lo, hi));
      return {v, v};
    }
    if (!node.IsSequence() || node.size() != 2) fail(node, key, "expected an integer or a [height, width] pair");
    return {static_cast<int>(get_int(node[0], key, lo, hi)), static_cast<int>(get_int(node[1], key, lo, hi))};
  }

  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

// A layer's options in the config file, read through its kind's schema (layers/layer_options.hpp);
// errors name the file, line and key path ("model.layers[0].conv.kernel"). The keys in `graph`
// (name, input, from: net/layer_graph.hpp) sit beside the kind's options in the file but belong
// to the graph: the kind's schema neither sees nor refuses them.
class YamlLayerOptions : public LayerOptions {
 public:
  YamlLayerOptions(const Reader& r, const YAML::Node& options, const YAML::Node& entry, std::string where,
                   std::set<std::string> graph = {})
      : r_(r), options_(options), entry_(entry), where_(std::move(where)), graph_(std::move(graph)) {}

  void allow_only(std::initializer_list<const char*> keys) const override {
    if (!options_ || options_.IsNull()) return;
    if (keys.size() == 0 && (!options_.IsMap() || graph_.empty())) r_.fail(options_, where_, "takes no options");
    if (keys.size() == 0)
      for (auto it = options_.begin(); it != options_.end(); ++it)
        if (!graph_.count(it->first.Scalar()))
          r_.fail(it->first, where_ + "." + shorten(it->first.Scalar()), "unknown key: this layer takes no options (only " +
                                                                             graph_key_list() + ")");
    std::set<std::string> allowed(keys.begin(), keys.end());
    allowed.insert(graph_.begin(), graph_.end());
    r_.check_map(options_, where_, allowed);
  }
  bool has(const char* key) const override { return options_.IsMap() && options_[key] && !graph_.count(key); }
  int integer(const char* key, int lo, int hi) const override {
    return static_cast<int>(r_.get_int(node(key), path(key), lo, hi));
  }
  std::pair<int, int> int_pair(const char* key, int lo, int hi) const override {
    return r_.get_pair(node(key), path(key), lo, hi);
  }
  double number(const char* key, double lo, double hi) const override { return r_.get_number(node(key), path(key), lo, hi); }
  std::string word(const char* key) const override { return r_.get_string(node(key), path(key)); }
  bool boolean(const char* key) const override { return r_.get_bool(node(key), path(key)); }
  bool is_word(const char* key) const override {
    if (!has(key)) return false;
    const YAML::Node v = options_[key];
    return v.IsScalar() && !v.Scalar().empty() && !std::isdigit(static_cast<unsigned char>(v.Scalar()[0])) &&
           v.Scalar()[0] != '-' && v.Scalar()[0] != '+';
  }
  [[noreturn]] void fail(const char* key, const std::string& what) const override {
    r_.fail(has(key) ? options_[key] : (options_ ? options_ : entry_), path(key), what);
  }

 private:
  std::string path(const char* key) const { return where_ + "." + key; }
  std::string graph_key_list() const {
    std::string list;
    for (const auto& key : graph_) list += (list.empty() ? "" : " and ") + key;
    return list;
  }
  YAML::Node node(const char* key) const {
    if (!has(key)) r_.fail(options_ ? options_ : entry_, path(key), "missing required key");
    return options_[key];
  }
  const Reader& r_;
  YAML::Node options_, entry_;
  std::string where_;
  std::set<std::string> graph_;
};

}  // namespace cnn::config_yaml
