#include "experiment/disturbance.h"

#include <gtest/gtest.h>

#include <vector>

namespace tracebench::experiment {
namespace {

// Blocks of two rounds (off, trace) with the given send lag p99 per round, in run order.
RunResult run_with_lags(const std::vector<std::int64_t>& lags_ns) {
  RunResult run;
  run.config.modes = {Mode::kOff, Mode::kTrace};
  for (std::size_t i = 0; i < lags_ns.size(); ++i) {
    RoundRecord r;
    r.index = static_cast<int>(i);
    r.block = static_cast<int>(i / 2);
    r.mode = i % 2 == 0 ? Mode::kOff : Mode::kTrace;
    r.send_lag_p99_ns = lags_ns[i];
    run.rounds.push_back(r);
  }
  return run;
}

TEST(Disturbance, TypicalLagIsTheMedianOfCompleteRounds) {
  EXPECT_EQ(typical_send_lag_p99_ns(RunResult{}), 0);
  EXPECT_EQ(typical_send_lag_p99_ns(run_with_lags({300, 100, 200})), 200);
  EXPECT_EQ(typical_send_lag_p99_ns(run_with_lags({400, 100, 200, 300})), 250);
  RunResult run = run_with_lags({100, 200, 9'000'000});
  run.rounds[2].complete = false;
  EXPECT_EQ(typical_send_lag_p99_ns(run), 150);
}

TEST(Disturbance, AStallInOneRoundDropsItsBlockAndNamesTheRound) {
  // 0.2 ms in every round but one, at 3 ms: the VM stall.
  RunResult run = run_with_lags({200'000, 210'000, 190'000, 3'000'000, 205'000, 195'000});
  EXPECT_EQ(drop_disturbed_blocks(run), 2);
  ASSERT_EQ(run.dropped_blocks.size(), 1u);
  EXPECT_EQ(run.dropped_blocks[0].block, 1);
  EXPECT_EQ(run.dropped_blocks[0].reason,
            "round 4 (trace): generator send lag p99 reached 3.00 ms against the run's typical 0.20 ms: the generator "
            "could not keep its schedule");
  EXPECT_TRUE(run.rounds[2].dropped);
  EXPECT_TRUE(run.rounds[3].dropped);
  EXPECT_TRUE(run.rounds[2].disturbed.empty());
  EXPECT_FALSE(run.rounds[3].disturbed.empty());
  EXPECT_FALSE(run.rounds[0].dropped);
  // Judged again, nothing changes: a dropped block is not counted twice.
  EXPECT_EQ(drop_disturbed_blocks(run), 2);
  EXPECT_EQ(run.dropped_blocks.size(), 1u);
}

TEST(Disturbance, ARoundMarkedDisturbedAlreadyDropsItsBlockWithItsOwnReason) {
  RunResult run = run_with_lags({200'000, 210'000, 190'000, 205'000, 195'000, 200'000});
  const std::string why = "the trace capture ended 12.0 ms before the window closed: part of the window was not traced";
  run.rounds[3].disturbed = why;
  EXPECT_EQ(drop_disturbed_blocks(run), 2);
  ASSERT_EQ(run.dropped_blocks.size(), 1u);
  EXPECT_EQ(run.dropped_blocks[0].block, 1);
  EXPECT_EQ(run.dropped_blocks[0].reason, "round 4 (trace): " + why);
  EXPECT_EQ(run.rounds[3].disturbed, why);
  EXPECT_TRUE(run.rounds[2].dropped);
  // A round cut short is not judged: it is left out of the statistics already.
  RunResult cut = run_with_lags({200'000, 210'000});
  cut.rounds[1].complete = false;
  cut.rounds[1].disturbed = why;
  EXPECT_EQ(drop_disturbed_blocks(cut), 0);
  EXPECT_TRUE(cut.dropped_blocks.empty());
}

TEST(Disturbance, ASteadilyLateMachineDropsNothingButIsWarned) {
  // Steal in every round: 1.5-2.5 ms everywhere, no round four times the median.
  RunResult run = run_with_lags({1'500'000, 2'000'000, 2'500'000, 1'800'000, 2'200'000, 1'900'000});
  EXPECT_EQ(drop_disturbed_blocks(run), 3);
  EXPECT_TRUE(run.dropped_blocks.empty());
  EXPECT_EQ(steady_send_lag_warning(run),
            "the generator ran behind its schedule in most rounds (median send lag p99 1.95 ms): no round stood out, "
            "so no block was dropped, but each latency includes up to that much of the generator's own delay; give "
            "it a CPU of its own or lower --rate");
  // Four times the median is the limit: at it a round is kept, past it its block goes.
  run.rounds[4].send_lag_p99_ns = 4 * typical_send_lag_p99_ns(run);
  EXPECT_EQ(drop_disturbed_blocks(run), 3);
  run.rounds[4].send_lag_p99_ns += 10'000;
  EXPECT_EQ(drop_disturbed_blocks(run), 2);
  EXPECT_EQ(run.dropped_blocks.size(), 1u);
}

TEST(Disturbance, BelowOneMillisecondNothingIsDisturbed) {
  // Ten times the median but under the 1 ms floor: latencies carry that much.
  RunResult run = run_with_lags({50'000, 60'000, 55'000, 900'000});
  EXPECT_EQ(drop_disturbed_blocks(run), 2);
  EXPECT_TRUE(steady_send_lag_warning(run).empty());
  // Closed loop keeps no schedule: no lag, nothing dropped.
  RunResult closed = run_with_lags({0, 0, 0, 0});
  EXPECT_EQ(drop_disturbed_blocks(closed), 2);
}

TEST(Disturbance, AnEarlyBlockIsJudgedAgainAsTheMedianFirmsUp) {
  // One block of two rounds cannot tell the stall from the norm: their median is the stall's half.
  RunResult run = run_with_lags({200'000, 300'000'000});
  EXPECT_EQ(drop_disturbed_blocks(run), 1);
  EXPECT_TRUE(run.dropped_blocks.empty());
  // Two more ordinary blocks make the median ordinary, and the first block goes.
  for (int i = 0; i < 4; ++i) {
    RoundRecord r;
    r.index = 2 + i;
    r.block = 1 + i / 2;
    r.mode = i % 2 == 0 ? Mode::kOff : Mode::kTrace;
    r.send_lag_p99_ns = 200'000;
    run.rounds.push_back(r);
  }
  EXPECT_EQ(drop_disturbed_blocks(run), 2);
  ASSERT_EQ(run.dropped_blocks.size(), 1u);
  EXPECT_EQ(run.dropped_blocks[0].block, 0);
}

TEST(Disturbance, AnIncompleteRoundLeavesItsBlockUncountedButNotDropped) {
  RunResult run = run_with_lags({200'000, 200'000, 200'000, 200'000});
  run.rounds[3].complete = false;
  EXPECT_EQ(drop_disturbed_blocks(run), 1);
  EXPECT_TRUE(run.dropped_blocks.empty());
}

}  // namespace
}  // namespace tracebench::experiment
