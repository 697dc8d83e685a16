// once_per_note: a note repeated in every round is one line with its count and places.

#include "units/repeated_notes.h"

#include <gtest/gtest.h>

namespace tracebench::units {
namespace {

TEST(OncePerNote, ANoteSeenOnceSaysWhere) {
  EXPECT_EQ(once_per_note({{"round 2", "truncated"}}, "rounds"), std::vector<std::string>{"round 2: truncated"});
}

TEST(OncePerNote, ARepeatedNoteIsOneLineWithItsCountAndFirstPlaces) {
  std::vector<NoteAt> notes;
  for (int i = 1; i <= 12; ++i) notes.push_back({"round " + std::to_string(i), "the old v1 trace format"});
  EXPECT_EQ(once_per_note(notes, "rounds"),
            std::vector<std::string>{"the old v1 trace format (12 rounds: round 1, round 2, round 3, …)"});
  notes.resize(2);
  EXPECT_EQ(once_per_note(notes, "rounds"),
            std::vector<std::string>{"the old v1 trace format (2 rounds: round 1, round 2)"});
}

TEST(OncePerNote, DistinctNotesKeepTheOrderTheyWereFirstSeenIn) {
  const std::vector<NoteAt> notes = {{"a", "x"}, {"b", "y"}, {"c", "x"}, {"d", "z"}};
  EXPECT_EQ(once_per_note(notes, "files"), (std::vector<std::string>{"x (2 files: a, c)", "b: y", "d: z"}));
}

TEST(OncePerNote, NothingToSayIsNoLines) { EXPECT_TRUE(once_per_note({}, "rounds").empty()); }

}  // namespace
}  // namespace tracebench::units
