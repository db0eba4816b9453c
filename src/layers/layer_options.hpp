// LayerOptions: how a layer kind reads its options, whichever file they come from. A layer kind
// writes its schema once, as calls on this interface (keys, types, ranges, defaults); the YAML
// config reader and the model-file (JSON) reader each implement it, so both apply the same
// rules, and errors name the key in the reader's own terms (file:line in a config, the layer's
// position in a model file's architecture).
#pragma once

#include <initializer_list>
#include <string>
#include <utility>

#include "core/enum_table.hpp"

namespace cnn {

// A cap on any one size field of an architecture (filters, units, kernel, stride, padding).
constexpr int kMaxLayerSize = 1 << 16;

class LayerOptions {
 public:
  virtual ~LayerOptions() = default;

  // The closed schema: any other key is an error that lists these.
  virtual void allow_only(std::initializer_list<const char*> keys) const = 0;
  virtual bool has(const char* key) const = 0;
  // Each reader fails (naming the key) when the key is missing or the value has the wrong type
  // or lies outside [lo, hi].
  virtual int integer(const char* key, int lo, int hi) const = 0;
  virtual std::pair<int, int> int_pair(const char* key, int lo, int hi) const = 0;  // n or [height, width]
  virtual double number(const char* key, double lo, double hi) const = 0;            // integer or decimal
  virtual std::string word(const char* key) const = 0;                             // a string
  virtual bool boolean(const char* key) const = 0;                                 // true or false
  virtual bool is_word(const char* key) const = 0;  // the value is a string (not a number or a list)
  [[noreturn]] virtual void fail(const char* key, const std::string& what) const = 0;

  // A word from an enum's table; the error lists the accepted names.
  template <typename E, std::size_t N>
  E choice(const char* key, const EnumTable<E, N>& table, const char* what) const {
    const std::string name = word(key);
    E value{};
    if (!table.parse(name, &value)) {
      const std::string shown = name.size() > 64 ? name.substr(0, 64) + "..." : name;  // a hostile file's megabyte string
      fail(key, "unknown " + std::string(what) + " '" + shown + "' (expected " + table.names() + ")");
    }
    return value;
  }
};

}  // namespace cnn
