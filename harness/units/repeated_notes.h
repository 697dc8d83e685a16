#pragma once
// A note that happened in many places (every round's trace could not be read, every kept
// file gave the same error) said once, with where it happened, instead of once per place.
// Pure, thread-safe.

#include <string>
#include <vector>

namespace tracebench::units {

struct NoteAt {
  std::string where;  // "round 3", "'round003-trace.trace'"
  std::string why;    // the note itself; equal text means the same note
};

// One line per distinct note, in the order each was first seen: "where: why" for a note seen
// once, "why (N places: a, b, c, …)" for one seen more often, with places the plural noun
// ("rounds", "files") and at most three wheres listed.
std::vector<std::string> once_per_note(const std::vector<NoteAt>& notes, const std::string& places);

}  // namespace tracebench::units
