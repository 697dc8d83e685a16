#include "reports/event_mix.h"

#include <algorithm>

#include "reports/json_access.h"

namespace tracebench::reports {

std::vector<ModeMix> event_mix(const nlohmann::json& result) {
  std::vector<ModeMix> out;
  const nlohmann::json* modes = object(result, {"modes"});
  if (!modes) return out;
  std::vector<std::string> names;
  for (const char* m : {"trace", "flightrecorder"})
    if (modes->contains(m)) names.push_back(m);
  for (const auto& [name, v] : modes->items())
    if (name != "off" && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);

  std::vector<std::string> categories;  // the union, by bytes in the first mode that has them
  for (const auto& mode : names) {
    const nlohmann::json* mix = object(*modes, {mode, "trace_event_mix"});
    if (!mix || mix->empty()) continue;
    ModeMix m;
    m.mode = mode;
    for (const auto& [category, counts] : mix->items()) {
      CategoryCounts c{category, number(counts, {"events"}).value_or(0), number(counts, {"bytes"}).value_or(0)};
      m.total_events += c.events;
      m.total_bytes += c.bytes;
      m.categories.push_back(c);
    }
    std::stable_sort(m.categories.begin(), m.categories.end(),
                     [](const CategoryCounts& a, const CategoryCounts& b) { return a.bytes > b.bytes; });
    for (const auto& c : m.categories)
      if (std::find(categories.begin(), categories.end(), c.category) == categories.end())
        categories.push_back(c.category);
    double span = 0;
    bool any = false;
    for (const auto& r : array(result, {"rounds"})) {
      if (text(r, {"mode"}) != mode || !boolean(r, {"complete"}).value_or(true)) continue;
      for (const char* key : {"trace", "snapshot"})
        if (auto s = number(r, {key, "span_s"})) {
          span += *s;
          any = true;
        }
    }
    if (any && span > 0) m.span_s = span;
    out.push_back(std::move(m));
  }
  for (auto& m : out) {  // one order and one row per category for every mode
    std::vector<CategoryCounts> ordered;
    for (const auto& name : categories) {
      auto it = std::find_if(m.categories.begin(), m.categories.end(),
                             [&](const CategoryCounts& c) { return c.category == name; });
      ordered.push_back(it != m.categories.end() ? *it : CategoryCounts{name, 0, 0});
    }
    m.categories = std::move(ordered);
  }
  return out;
}

}  // namespace tracebench::reports
