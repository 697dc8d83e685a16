#include "experiment/plan.h"

#include <gtest/gtest.h>

#include <map>

namespace tracebench::experiment {
namespace {

const std::vector<Mode> kAll = {Mode::kOff, Mode::kTrace, Mode::kFlightRecorder};

TEST(Plan, EveryBlockRunsEveryModeOnce) {
  auto plan = make_plan(kAll, 10, 7);
  ASSERT_EQ(plan.size(), 30u);
  for (std::size_t block = 0; block < 10; ++block) {
    std::map<Mode, int> seen;
    for (std::size_t i = 0; i < 3; ++i) ++seen[plan[block * 3 + i]];
    EXPECT_EQ(seen.size(), 3u) << "block " << block;
  }
}

TEST(Plan, OrderIsRandomizedAndReproducible) {
  EXPECT_EQ(make_plan(kAll, 10, 42), make_plan(kAll, 10, 42));
  EXPECT_NE(make_plan(kAll, 10, 42), make_plan(kAll, 10, 43));
  // Not always the same order inside blocks: over 10 blocks, off is not always first.
  auto plan = make_plan(kAll, 10, 42);
  int off_first = 0;
  for (std::size_t b = 0; b < 10; ++b) off_first += plan[b * 3] == Mode::kOff;
  EXPECT_LT(off_first, 10);
  EXPECT_GT(off_first, 0);
}

TEST(Plan, ModesParseAndPrint) {
  for (Mode m : kAll) EXPECT_EQ(parse_mode(to_string(m)), m);
  EXPECT_FALSE(parse_mode("fr").has_value());
}

}  // namespace
}  // namespace tracebench::experiment
