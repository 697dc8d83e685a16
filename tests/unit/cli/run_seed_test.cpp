// `tracebench run --seed`: the order of rounds is fresh for every run unless a seed is given,
// and a given seed is the one the run uses.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "cli/run_options.h"
#include "cli/usage_error.h"

namespace tracebench::cli {
namespace {

RunOptions parse(std::vector<std::string> extra) {
  std::vector<std::string> args = {"--target", "127.0.0.1:8080"};
  args.insert(args.end(), extra.begin(), extra.end());
  return parse_run_options(args);
}

// Twenty runs without --seed: a fixed default would give one seed, and so one order, to all.
TEST(RunSeed, EachRunDrawsItsOwnWhenNoneIsGiven) {
  std::set<std::uint64_t> seeds;
  for (int i = 0; i < 20; ++i) {
    const auto seed = parse({}).config.seed;
    EXPECT_GE(seed, 1u);
    EXPECT_LE(seed, 999'999'999u);  // short enough to type back as --seed
    seeds.insert(seed);
  }
  EXPECT_GE(seeds.size(), 19u);  // two of twenty draws from 1e9 values alike: about 2e-7
}

TEST(RunSeed, AGivenSeedIsTheOneUsed) {
  EXPECT_EQ(parse({"--seed", "0"}).config.seed, 0u);
  EXPECT_EQ(parse({"--seed", "12345"}).config.seed, 12345u);
  EXPECT_EQ(parse({"--seed", "9007199254740992"}).config.seed, 9007199254740992u);
}

TEST(RunSeed, ASeedThatIsNotAWholeNumberIsRefused) {
  for (const char* bad : {"2.5", "one", "-3", "1e20"}) EXPECT_THROW(parse({"--seed", bad}), UsageError) << bad;
}

}  // namespace
}  // namespace tracebench::cli
