#include "reports/event_mix.h"

#include <algorithm>

namespace tracebench::reports {

std::vector<ModeMix> event_mix(const result::RunResultView& run) {
  std::vector<ModeMix> out;
  std::vector<std::string> names;
  for (const char* m : {"trace", "flightrecorder"})
    if (run.mode(m)) names.push_back(m);
  for (const auto& mode : run.modes)
    if (mode.name != "off" && std::find(names.begin(), names.end(), mode.name) == names.end())
      names.push_back(mode.name);

  std::vector<std::string> categories;  // the union, by bytes in the first mode that has them
  for (const auto& mode : names) {
    const result::ModeView* mv = run.mode(mode);
    if (mv->trace_event_mix.empty()) continue;
    ModeMix m;
    m.mode = mode;
    for (const auto& counts : mv->trace_event_mix) {
      CategoryCounts c{counts.category, counts.events, counts.bytes};
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
    for (const auto& r : run.rounds) {
      if (r.mode != mode || !r.complete.value_or(true)) continue;
      for (const auto* facts : {&r.trace, &r.snapshot})
        if (*facts && (*facts)->span_s) {
          span += *(*facts)->span_s;
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
