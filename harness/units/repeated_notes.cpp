#include "units/repeated_notes.h"

#include <fmt/core.h>

#include <cstddef>

namespace tracebench::units {

namespace {
// Enough to find the places again; the count says how many there were.
constexpr std::size_t kWheresListed = 3;
}  // namespace

std::vector<std::string> once_per_note(const std::vector<NoteAt>& notes, const std::string& places) {
  struct Group {
    const std::string* why;
    std::vector<const std::string*> wheres;
  };
  std::vector<Group> groups;
  for (const auto& n : notes) {
    Group* g = nullptr;
    for (auto& candidate : groups)
      if (*candidate.why == n.why) g = &candidate;
    if (!g) g = &groups.emplace_back(Group{&n.why, {}});
    g->wheres.push_back(&n.where);
  }
  std::vector<std::string> out;
  for (const auto& g : groups) {
    if (g.wheres.size() == 1) {
      out.push_back(fmt::format("{}: {}", *g.wheres.front(), *g.why));
      continue;
    }
    std::string listed;
    for (std::size_t i = 0; i < g.wheres.size() && i < kWheresListed; ++i)
      listed += (i ? ", " : "") + *g.wheres[i];
    if (g.wheres.size() > kWheresListed) listed += ", …";
    out.push_back(fmt::format("{} ({} {}: {})", *g.why, g.wheres.size(), places, listed));
  }
  return out;
}

}  // namespace tracebench::units
