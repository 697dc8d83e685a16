// The overhead verdict: judged on the CI bounds of each change, with throughput's sign
// flipped so that a cost is always positive.

#include <gtest/gtest.h>

#include "run_result_fixture.h"
#include "sizing/overhead_verdict.h"

namespace tracebench::sizing {
namespace {

using nlohmann::json;
using testing::Comparison;
using testing::run_result;

const json* find_metric(const json& mode, const std::string& metric) {
  for (const auto& m : mode["metrics"])
    if (m["metric"] == metric) return &m;
  return nullptr;
}

TEST(OverheadVerdict, WithinOverInconclusive) {
  const json r = run_result({1e6, 1e6}, 1000, 990,
                            {{"trace", "target_cpu_us_per_request", 1.0, 0.5, 1.8},   // within 2%
                             {"trace", "throughput_rps", -0.5, -1.5, 0.2},            // cost [-0.2, 1.5]: within
                             {"flightrecorder", "target_cpu_us_per_request", 4.0, 2.5, 6.0},  // over
                             {"flightrecorder", "latency_p99_ns", 1.0, -3.0, 5.0}});  // inconclusive
  const json v = overhead_verdict(r, 2.0);
  ASSERT_EQ(v["modes"].size(), 2u);
  EXPECT_EQ(v["modes"][0]["mode"], "trace");
  EXPECT_EQ(v["modes"][0]["verdict"], "within");
  EXPECT_EQ(v["modes"][1]["verdict"], "over");
  const json* tp = find_metric(v["modes"][0], "throughput_rps");
  ASSERT_TRUE(tp);
  EXPECT_DOUBLE_EQ((*tp)["cost_pct"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ((*tp)["cost_low_pct"].get<double>(), -0.2);
  EXPECT_DOUBLE_EQ((*tp)["cost_high_pct"].get<double>(), 1.5);
  EXPECT_EQ((*find_metric(v["modes"][1], "latency_p99_ns"))["verdict"], "inconclusive");
}

TEST(OverheadVerdict, AThroughputDropBeyondTheBudgetIsOver) {
  const json v = overhead_verdict(run_result({1e6, 1e6}, 1000, 900, {{"trace", "throughput_rps", -10, -12, -8}}), 5.0);
  EXPECT_EQ(v["modes"][0]["verdict"], "over");
}

TEST(OverheadVerdict, StraddlingTheBudgetIsInconclusive) {
  const json v = overhead_verdict(run_result({1e6, 1e6}, 1000, 990, {{"trace", "latency_p50_ns", 1.5, 0.5, 3.0}}), 2.0);
  EXPECT_EQ(v["modes"][0]["verdict"], "inconclusive");
}

TEST(OverheadVerdict, P999IsReportedNotJudged) {
  const json v = overhead_verdict(run_result({1e6, 1e6}, 1000, 990, {{"trace", "latency_p999_ns", 50, 20, 80},
                                                                      {"trace", "latency_p50_ns", 0.1, -0.5, 0.8}}),
                                  2.0);
  EXPECT_EQ(v["modes"][0]["verdict"], "within");
  const json* m = find_metric(v["modes"][0], "latency_p999_ns");
  EXPECT_FALSE((*m)["judged"].get<bool>());
  EXPECT_TRUE((*m)["verdict"].is_null());
}

TEST(OverheadVerdict, WithoutABudgetCostsButNoVerdict) {
  const json v = overhead_verdict(run_result({1e6, 1e6}, 1000, 990, {{"trace", "target_cpu_us_per_request", 1, 0, 2}}),
                                  std::nullopt);
  EXPECT_TRUE(v["budget_pct"].is_null());
  EXPECT_TRUE(v["modes"][0]["verdict"].is_null());
  EXPECT_DOUBLE_EQ(v["modes"][0]["metrics"][0]["cost_high_pct"].get<double>(), 2.0);
}

TEST(OverheadVerdict, ABudgetFinerThanTheNoiseFloorIsPointedOut) {
  json r = run_result({1e6, 1e6}, 1000, 990, {{"trace", "target_cpu_us_per_request", 1, 0.5, 1.5}});
  r["noise_floor"].push_back({{"mode", "off"}, {"metric", "target_cpu_us_per_request"}, {"ci_low_pct", -6.0},
                              {"ci_high_pct", 4.0}});
  const json v = overhead_verdict(r, 2.0);
  ASSERT_EQ(v["notes"].size(), 1u);
  EXPECT_NE(v["notes"][0].get<std::string>().find("finer than this run's noise floor"), std::string::npos);
  EXPECT_DOUBLE_EQ(v["modes"][0]["metrics"][0]["noise_floor_pct"].get<double>(), 6.0);
}

TEST(OverheadVerdict, NoComparisons) {
  const json v = overhead_verdict(run_result({1e6, 1e6}), 2.0);
  EXPECT_TRUE(v["modes"].empty());
  EXPECT_FALSE(v["notes"].empty());
}

}  // namespace
}  // namespace tracebench::sizing
