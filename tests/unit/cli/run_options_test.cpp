// `tracebench run` flags: --rate (requests per second, a share of the warm-up's closed-loop
// throughput, the default, or closed loop) and --seed (fresh for every run unless given).
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

TEST(RunRate, DefaultIsHalfTheWarmUpsThroughput) {
  const auto o = parse({});
  ASSERT_TRUE(o.config.rate_share.has_value());
  EXPECT_EQ(*o.config.rate_share, 0.5);
  EXPECT_FALSE(o.config.load.open_loop.has_value());  // set once the warm-up has measured
}

TEST(RunRate, AShareARateOrClosedLoop) {
  EXPECT_EQ(*parse({"--rate", "25%"}).config.rate_share, 0.25);
  const auto fixed = parse({"--rate", "20k"});
  EXPECT_FALSE(fixed.config.rate_share.has_value());
  ASSERT_TRUE(fixed.config.load.open_loop.has_value());
  EXPECT_EQ(fixed.config.load.open_loop->rate_rps, 20000.0);
  const auto closed = parse({"--rate", "max"});
  EXPECT_FALSE(closed.config.rate_share.has_value());
  EXPECT_FALSE(closed.config.load.open_loop.has_value());
}

TEST(RunRate, AShareNeedsAWarmUpToMeasure) {
  EXPECT_THROW(parse({"--warmup", "100ms"}), UsageError);
  EXPECT_EQ(*parse({"--warmup", "200ms"}).config.rate_share, 0.5);
  // A fixed rate or closed loop needs none.
  EXPECT_FALSE(parse({"--warmup", "0s", "--rate", "max"}).config.rate_share.has_value());
  EXPECT_TRUE(parse({"--warmup", "0s", "--rate", "1k"}).config.load.open_loop.has_value());
}

TEST(RunRate, BadValuesNameTheValueAndWhatWasExpected) {
  for (const char* bad : {"0%", "101%", "fast", "-5", "0"}) {
    try {
      parse({"--rate", bad});
      ADD_FAILURE() << bad << " was accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
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
