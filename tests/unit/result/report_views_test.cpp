// The parts of the run and sweep results only the reports read: recommendations,
// verification, the host and config tables, the whole sweep. They refuse nothing, so a report
// renders whatever part of a hand-made or older result exists.

#include <gtest/gtest.h>

#include "result/document_context.h"
#include "result/recommendations.h"
#include "result/sweep_result.h"

namespace tracebench::result {
namespace {

using nlohmann::json;

TEST(ReportViews, RecommendationsAsSizingWritesThem) {
  const json run = json::parse(R"({
    "recommendations": {
      "rate": {"median_bytes_per_s": 1e6, "upper_bytes_per_s": 2e6, "rounds": 6, "source": "flightrecorder"},
      "flight_recorder": [{"window_s": 10, "min_age_s": 20, "max_bytes": 33554432, "max_bytes_text": "32 MiB"}, 7],
      "capture_windows": [{"budget_bytes": 5e7, "seconds": 4, "query": "GET /debug/pprof/trace?seconds=4",
                           "open": [{"tool": "go tool trace", "expected_seconds": 2, "extrapolated": true}]}],
      "overhead": {"budget_pct": 2, "modes": [{"mode": "trace", "verdict": "over",
                   "metrics": [{"metric": "throughput_rps", "judged": true, "verdict": "within"}]}],
                   "notes": ["a", 3]},
      "missing": ["no flight-recorder sizes or capture windows: x", null],
      "headroom": {"rule": "1.5x"}
    }
  })");
  const auto r = read_recommendations(run);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->rate->source, "flightrecorder");
  EXPECT_FALSE(r->rate->upper_basis.has_value());
  ASSERT_EQ(r->flight_recorder.size(), 2u);
  EXPECT_EQ(r->flight_recorder[0].max_bytes_text, "32 MiB");
  EXPECT_FALSE(r->flight_recorder[1].window_s.has_value()) << "an element that is not an object reads as all absent";
  ASSERT_EQ(r->capture_windows.size(), 1u);
  ASSERT_EQ(r->capture_windows[0].open.size(), 1u);
  EXPECT_TRUE(r->capture_windows[0].open[0].extrapolated);
  ASSERT_TRUE(r->overhead.has_value());
  EXPECT_EQ(r->overhead->modes[0].verdict, BudgetVerdict::kOver);
  EXPECT_EQ(r->overhead->modes[0].metrics[0].verdict, BudgetVerdict::kWithin);
  EXPECT_EQ(r->overhead->notes, std::vector<std::string>{"a"});
  EXPECT_EQ(r->missing.size(), 1u);
  EXPECT_EQ(r->sizes_missing, std::vector<std::string>{"no flight-recorder sizes or capture windows: x"});
  EXPECT_EQ(r->headroom_rule, "1.5x");
  EXPECT_FALSE(r->memory.has_value());
}

TEST(ReportViews, AnEmptyOrMistypedObjectIsNotThere) {
  EXPECT_FALSE(read_recommendations(json{{"recommendations", json::object()}}).has_value());
  EXPECT_FALSE(read_recommendations(json{{"recommendations", json::array()}}).has_value());
  EXPECT_FALSE(read_verification(json{{"verification", json::object()}}).has_value());
  EXPECT_FALSE(read_verification(json{{"verification", "verified"}}).has_value());
}

TEST(ReportViews, WhatTheTerminalSummaryReadsOfTheRecommendations) {
  const RecommendationsView r = read_recommendations_object(json::parse(R"({
      "rate": {"events_per_s": 2.5e5, "rounds": "six"},
      "flight_recorder": [{"go_runtime_trace": "a", "go_x_exp": "b", "agent_start": "c"}, {"go_x_exp": 3}],
      "parse_speeds": [{"tool": "go tool trace", "file_bytes": 5e6, "seconds": 2, "basis": ""},
                       {"tool": "tracebench", "file_bytes": null, "seconds": "slow", "basis": 7}],
      "warnings": ["too big", 1]})"));
  ASSERT_TRUE(r.rate.has_value());
  EXPECT_EQ(r.rate->events_per_s, 2.5e5);
  EXPECT_FALSE(r.rate->rounds.has_value());
  ASSERT_EQ(r.flight_recorder.size(), 2u);
  EXPECT_EQ(r.flight_recorder[0].go_x_exp, "b");
  EXPECT_EQ(r.flight_recorder[1].go_x_exp, "");
  ASSERT_EQ(r.parse_speeds.size(), 2u);
  EXPECT_EQ(r.parse_speeds[0].file_bytes, 5e6);
  EXPECT_EQ(r.parse_speeds[0].seconds, 2);
  EXPECT_EQ(r.parse_speeds[0].basis, "") << "an empty basis is kept as written";
  EXPECT_FALSE(r.parse_speeds[1].file_bytes.has_value());
  EXPECT_FALSE(r.parse_speeds[1].seconds.has_value());
  EXPECT_FALSE(r.parse_speeds[1].basis.has_value());
  EXPECT_EQ(r.warnings, std::vector<std::string>{"too big"});
}

TEST(ReportViews, TheRecommendationsObjectItselfEvenEmpty) {
  const RecommendationsView empty = read_recommendations_object(json::object());
  EXPECT_FALSE(empty.rate.has_value());
  EXPECT_TRUE(empty.flight_recorder.empty());
  EXPECT_FALSE(empty.overhead.has_value());
  const RecommendationsView not_an_object = read_recommendations_object(json::array({json::object()}));
  EXPECT_FALSE(not_an_object.memory.has_value());
  EXPECT_TRUE(not_an_object.missing.empty());
  const json recs = {{"missing", {"x"}}, {"warnings", {"w"}}};
  const auto in_run = read_recommendations(json{{"recommendations", recs}});
  ASSERT_TRUE(in_run.has_value());
  EXPECT_EQ(in_run->missing, read_recommendations_object(recs).missing);
  EXPECT_EQ(in_run->warnings, std::vector<std::string>{"w"});
}

TEST(ReportViews, VerificationAttemptsWithTheirRateAndMemory) {
  const auto v = read_verification(json::parse(R"({"verification": {"window_s": 10, "upper_bytes_per_s": 2.5e6,
      "attempts": [{"attempt": 1, "snapshot_bytes_per_s": 4.2e6, "basis_exceeded": true, "rss_growth_bytes": 9e7,
                    "expected_live_bytes": 3e7, "expected_rss_high_bytes": 6e7, "rss_exceeded": true},
                   {"attempt": 2, "basis_exceeded": "yes", "rss_exceeded": null, "snapshot_bytes_per_s": "fast"}]}})"));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->upper_bytes_per_s, 2.5e6);
  ASSERT_EQ(v->attempts.size(), 2u);
  const VerificationAttemptView& exceeded = v->attempts[0];
  EXPECT_EQ(exceeded.snapshot_bytes_per_s, 4.2e6);
  EXPECT_TRUE(exceeded.basis_exceeded);
  EXPECT_EQ(exceeded.expected_live_bytes, 3e7);
  EXPECT_EQ(exceeded.expected_rss_high_bytes, 6e7);
  EXPECT_TRUE(exceeded.rss_exceeded);
  const VerificationAttemptView& mistyped = v->attempts[1];
  EXPECT_FALSE(mistyped.basis_exceeded);
  EXPECT_FALSE(mistyped.rss_exceeded);
  EXPECT_FALSE(mistyped.snapshot_bytes_per_s.has_value());
  EXPECT_FALSE(mistyped.expected_live_bytes.has_value());
}

TEST(ReportViews, VerificationWithItsAttempts) {
  const auto v = read_verification(json::parse(R"({"verification": {"status": "short", "window_s": 10,
      "attempts": [{"attempt": 1, "reached": false, "error": "boom", "bound_text": "MaxBytes"}]}})"));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->status, VerificationStatus::kShort);
  EXPECT_EQ(v->status_text, "short");
  EXPECT_FALSE(v->reason.has_value());
  ASSERT_EQ(v->attempts.size(), 1u);
  EXPECT_EQ(v->attempts[0].error, "boom");
  EXPECT_EQ(v->attempts[0].bound_text, "MaxBytes");
}

TEST(ReportViews, ContextAndConfigAsText) {
  const DocumentContext c = read_document_context(json::parse(R"({"schema": "tracebench.run/v1",
      "context": {"host": "h", "cpus": 4, "command_line": ["tracebench", 1, "run"], "build_type": "release"},
      "host": {"steal_pct": {"median": 0.5}},
      "config": {"b": "x", "a": [1, "y"], "n": null, "m": {"k": 2}}})"));
  EXPECT_EQ(c.schema, "tracebench.run/v1");
  EXPECT_EQ(c.host, "h");
  EXPECT_EQ(c.cpus, 4);
  EXPECT_EQ(c.command_line, (std::vector<std::string>{"tracebench", "run"}));
  EXPECT_FALSE(c.tool.has_value());
  EXPECT_EQ(c.build_type, "release");
  EXPECT_FALSE(c.other_cpu_pct.has_value());
  EXPECT_EQ(c.steal_pct, 0.5);
  ASSERT_EQ(c.config.size(), 3u) << "null values are left out";
  EXPECT_EQ(c.config[0].key, "a");
  EXPECT_EQ(c.config[0].value, "1, y");
  EXPECT_EQ(c.config[1].value, "x");
  EXPECT_EQ(c.config[2].value, R"({"k":2})");
}

TEST(ReportViews, SweepModelAndPrediction) {
  const SweepView s = read_sweep(json::parse(R"({"complete": false, "stop_reason": "interrupted",
      "config": {"axis": "connections", "connections": 8},
      "levels": [{"level": 2, "status": "measured", "modes": {"off": {"throughput_rps": 900}, "trace": 3},
                  "throughput_rps": {"off": {"median": 900, "ci_low": 880, "ci_high": 910}},
                  "generator_cpu_share": null, "comparisons": {"a": 1}}, 5],
      "model": {"bytes_per_s": {"intercept": 1, "slope": 2, "n": 3}, "levels_fitted": [0, 1],
                "overhead": [{"mode": "trace", "metric": "throughput_rps", "error": "too few"}],
                "prediction": {"production_rate_rps": 1000, "extrapolated": true,
                               "bytes_per_s": {"estimate": 5, "pi_low": 4},
                               "overhead": [{"mode": "trace", "metric": "latency_p99_ns", "estimate": 3}]}}})"));
  EXPECT_FALSE(s.complete);
  EXPECT_EQ(s.stop_reason, "interrupted");
  EXPECT_EQ(s.config.axis, "connections");
  ASSERT_EQ(s.levels.size(), 1u) << "a level that is not an object is left out";
  const SweepLevelView& l = s.levels[0];
  EXPECT_EQ(l.mode("off")->throughput_rps, 900);
  EXPECT_EQ(l.mode("trace"), nullptr) << "a mode that is not an object is left out";
  EXPECT_EQ(l.off_throughput_rps.ci_low, 880);
  EXPECT_TRUE(l.cpu_shares_written);
  EXPECT_FALSE(l.generator_cpu_share.has_value());
  EXPECT_TRUE(l.comparisons.empty()) << "comparisons that are not a list read as none";
  ASSERT_TRUE(s.model.has_value());
  EXPECT_EQ(s.model->bytes_per_s->slope, 2);
  EXPECT_FALSE(s.model->events_per_s.has_value());
  EXPECT_EQ(s.model->levels_fitted, 2u);
  EXPECT_EQ(s.model->overhead[0].error, "too few");
  ASSERT_TRUE(s.model->prediction.has_value());
  EXPECT_TRUE(s.model->prediction->extrapolated);
  EXPECT_EQ(s.model->prediction->bytes_per_s->pi_low, 4);
  EXPECT_FALSE(s.model->prediction->bytes_per_s->pi_high.has_value());
  EXPECT_EQ(s.model->prediction->overhead[0].change_pct.estimate, 3);
}

TEST(ReportViews, ASweepOfTheWrongShapeReadsAsEmpty) {
  const SweepView s = read_sweep(json::parse(R"({"levels": {"a": 1}, "model": [1], "warnings": "w"})"));
  EXPECT_TRUE(s.complete);
  EXPECT_TRUE(s.levels.empty());
  EXPECT_FALSE(s.model.has_value());
  EXPECT_TRUE(s.warnings.empty());
}

}  // namespace
}  // namespace tracebench::result
