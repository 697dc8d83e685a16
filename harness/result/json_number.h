#pragma once
// Writing a figure that may be missing: the number, or JSON null, which every reader of
// tracebench's documents takes as "not measured". Pure.

#include <optional>

#include <nlohmann/json.hpp>

namespace tracebench::result {

inline nlohmann::json number_or_null(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace tracebench::result
