#pragma once
// Tolerant reads of one JSON field, shared by the typed readers of result/ (run_result.cpp,
// sweep_result.cpp): a leaf that is absent, null or of another type reads as not there; a
// container of the wrong type throws FormatError naming the key. Internal to result/.

#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "result/run_result.h"

namespace tracebench::result::fields {

inline const nlohmann::json* find(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// A finite number, else nullopt.
inline std::optional<double> number(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* v = find(object, key);
  if (!v || !v->is_number()) return std::nullopt;
  const double d = v->get<double>();
  return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

inline std::string text(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* v = find(object, key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

// The string, or nullopt when absent or not a string: for a reader whose user falls back
// on something else (an empty string is a value, not an absence).
inline std::optional<std::string> maybe_text(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* v = find(object, key);
  return v && v->is_string() ? std::optional<std::string>(v->get<std::string>()) : std::nullopt;
}

inline std::optional<bool> boolean(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* v = find(object, key);
  return v && v->is_boolean() ? std::optional<bool>(v->get<bool>()) : std::nullopt;
}

// The array at key (empty when absent or null); FormatError when it is something else.
// `what` names the document in the message: "the result", "the sweep".
inline const nlohmann::json& list(const nlohmann::json& document, std::string_view key,
                                  std::string_view what = "the result") {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const nlohmann::json* v = find(document, key);
  if (!v || v->is_null()) return kEmpty;
  if (!v->is_array()) throw FormatError(fmt::format("{}'s '{}' is not a list", what, key));
  return *v;
}

// The elements of the array at key, each required to be an object.
template <typename T, typename Read>
std::vector<T> objects(const nlohmann::json& document, std::string_view key, Read read,
                       std::string_view what = "the result") {
  std::vector<T> out;
  const nlohmann::json& items = list(document, key, what);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_object()) throw FormatError(fmt::format("{}'s '{}[{}]' is not an object", what, key, i));
    out.push_back(read(items[i]));
  }
  return out;
}

// The strings of the array at key; a line that is not a string is kept as its JSON text.
inline std::vector<std::string> lines(const nlohmann::json& document, std::string_view key,
                                      std::string_view what = "the result") {
  std::vector<std::string> out;
  for (const auto& line : list(document, key, what))
    out.push_back(line.is_string() ? line.get<std::string>() : line.dump());
  return out;
}

// The object at key, or nullptr when absent or of another type: for the parts of a document
// that are read without refusing anything (see each reader's header).
inline const nlohmann::json* object(const nlohmann::json& document, std::string_view key) {
  const nlohmann::json* v = find(document, key);
  return v && v->is_object() ? v : nullptr;
}

// Every element of the array at key read with `read`, whatever its type (an element that is
// not an object reads as all absent); empty when key is absent or not an array. Never throws.
template <typename T, typename Read>
std::vector<T> each(const nlohmann::json& document, std::string_view key, Read read) {
  std::vector<T> out;
  if (const nlohmann::json* v = find(document, key); v && v->is_array())
    for (const auto& item : *v) out.push_back(read(item));
  return out;
}

// The strings of the array at key, other elements left out; empty when key is absent or not
// an array. Never throws.
inline std::vector<std::string> strings(const nlohmann::json& document, std::string_view key) {
  std::vector<std::string> out;
  if (const nlohmann::json* v = find(document, key); v && v->is_array())
    for (const auto& item : *v)
      if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

}  // namespace tracebench::result::fields
