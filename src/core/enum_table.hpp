// EnumTable: the one table between an enum and its names, used for parsing, printing and the
// list of accepted names in error messages, so the three can never drift apart.
//
//   constexpr EnumTable<Activation, 6> kActivations{{{
//       {Activation::kRelu, "relu"}, ..., {Activation::kNone, "none"}, {Activation::kNone, "linear"}}}};
//   kActivations.parse("tanh", &act);  kActivations.name(act);  kActivations.names();  // "relu, ..., none or linear"
//
// A value may have several names (aliases); name() gives the first one listed, and
// kUnknownEnumName for a value the table lacks.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace cnn {

constexpr const char* kUnknownEnumName = "?";

template <typename E>
struct EnumName {
  E value;
  const char* name;
};

template <typename E, std::size_t N>
struct EnumTable {
  std::array<EnumName<E>, N> entries;

  bool parse(std::string_view name, E* out) const {
    for (const auto& e : entries)
      if (name == e.name) {
        *out = e.value;
        return true;
      }
    return false;
  }

  const char* name(E value) const {
    for (const auto& e : entries)
      if (e.value == value) return e.name;
    return kUnknownEnumName;
  }

  // "a, b or c": for messages listing what is accepted.
  std::string names() const {
    std::string list;
    for (std::size_t i = 0; i < N; ++i) {
      if (i > 0) list += i + 1 == N ? " or " : ", ";
      list += entries[i].name;
    }
    return list;
  }
};

}  // namespace cnn
