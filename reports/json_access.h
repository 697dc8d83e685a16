#pragma once
// Tolerant reads from the result model: a key that is absent, null or of another type reads
// as "not there" instead of throwing, so a report renders whatever part of a result exists.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tracebench::reports {

// The value at a path of object keys, or nullptr when any step is missing or not an object.
inline const nlohmann::json* at(const nlohmann::json& j, std::initializer_list<std::string_view> path) {
  const nlohmann::json* cur = &j;
  for (std::string_view key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

// The same for a path held in a container (an initializer_list must not outlive its
// full-expression, so tables of paths hold vectors).
inline const nlohmann::json* at(const nlohmann::json& j, const std::vector<std::string>& path) {
  const nlohmann::json* cur = &j;
  for (const auto& key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

// A finite number at path, or nullopt.
inline std::optional<double> number(const nlohmann::json& j, std::initializer_list<std::string_view> path) {
  const nlohmann::json* v = at(j, path);
  if (!v || !v->is_number()) return std::nullopt;
  const double d = v->get<double>();
  if (d != d) return std::nullopt;  // NaN
  return d;
}

// A string at path, or "" (fallback).
inline std::string text(const nlohmann::json& j, std::initializer_list<std::string_view> path,
                        std::string fallback = {}) {
  const nlohmann::json* v = at(j, path);
  return v && v->is_string() ? v->get<std::string>() : fallback;
}

inline std::optional<bool> boolean(const nlohmann::json& j, std::initializer_list<std::string_view> path) {
  const nlohmann::json* v = at(j, path);
  if (!v || !v->is_boolean()) return std::nullopt;
  return v->get<bool>();
}

// An array at path, or an empty array.
inline const nlohmann::json& array(const nlohmann::json& j, std::initializer_list<std::string_view> path) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const nlohmann::json* v = at(j, path);
  return v && v->is_array() ? *v : kEmpty;
}

// An object at path, or nullptr.
inline const nlohmann::json* object(const nlohmann::json& j, std::initializer_list<std::string_view> path) {
  const nlohmann::json* v = at(j, path);
  return v && v->is_object() ? v : nullptr;
}

}  // namespace tracebench::reports
