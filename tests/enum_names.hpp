// check_distinct_real_names: every value of an enum's list has a name in its EnumTable (not
// kUnknownEnumName, not empty) and no two values share one, so messages and forced-method
// options name each value unmistakably.
#pragma once

#include <catch2/catch.hpp>
#include <cstddef>
#include <set>
#include <string>

#include "core/enum_table.hpp"

namespace cnn::test {

template <typename E, std::size_t N, std::size_t M>
void check_distinct_real_names(const E (&values)[M], const EnumTable<E, N>& table) {
  std::set<std::string> seen;
  for (E value : values) {
    const std::string name = table.name(value);
    INFO("value " << static_cast<int>(value) << " is named '" << name << "'");
    CHECK(name != kUnknownEnumName);
    CHECK_FALSE(name.empty());
    CHECK(seen.insert(name).second);
  }
}

}  // namespace cnn::test
