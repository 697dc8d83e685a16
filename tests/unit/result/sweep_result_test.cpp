// The typed reader of a sweep result's levels: what it reads from a level as summarize_level
// writes it, the status words it knows, and the one-line error for a wrongly typed container.

#include "result/sweep_result.h"

#include <gtest/gtest.h>

namespace tracebench::result {
namespace {

using nlohmann::json;

json measured_level() {
  return json::parse(R"({
    "index": 1, "axis": "rate_rps", "level": 2000, "status": "measured", "reached": true,
    "invalid_reasons": ["mode trace has 2 complete rounds; at least 3 are needed for a 95% CI"],
    "reason": null,
    "modes": {"off": {"throughput_rps": 1990, "latency_p99_ns": 2.5e6, "rounds": 6},
              "trace": {"throughput_rps": 1985, "target_cpu_us_per_request": null, "rounds": 6}},
    "comparisons": [{"mode": "trace", "metric": "latency_p99_ns", "delta_pct": 4.5, "ci_low_pct": 1.0,
                     "ci_high_pct": 8.0, "significant": true}],
    "trace_bytes_per_s": {"source": "trace", "median": 7e5, "ci_low": 6.5e5, "ci_high": 7.5e5, "n": 6,
                          "upper": 8e5},
    "trace_events_per_s": 42000, "trace_throughput_rps": 1985, "warnings": []
  })");
}

TEST(SweepResult, ReadsALevelAsSummarizeLevelWritesIt) {
  const SweepLevelView l = read_sweep_level(measured_level());
  EXPECT_EQ(l.index, 1);
  EXPECT_EQ(l.level, 2000);
  EXPECT_EQ(l.axis, "rate_rps");
  EXPECT_EQ(l.status, LevelStatus::kMeasured);
  ASSERT_EQ(l.invalid_reasons.size(), 1u);
  ASSERT_NE(l.mode("off"), nullptr);
  EXPECT_EQ(l.mode("off")->throughput_rps, 1990);
  EXPECT_EQ(l.mode("off")->rounds, 6);
  EXPECT_FALSE(l.mode("trace")->target_cpu_us_per_request.has_value());
  EXPECT_EQ(l.mode("flightrecorder"), nullptr);
  ASSERT_EQ(l.comparisons.size(), 1u);
  EXPECT_EQ(l.comparisons[0].metric, "latency_p99_ns");
  EXPECT_EQ(l.comparisons[0].delta_pct, 4.5);
  EXPECT_TRUE(l.comparisons[0].significant);
  ASSERT_TRUE(l.trace_bytes_per_s.has_value());
  EXPECT_EQ(l.trace_bytes_per_s->source, "trace");
  EXPECT_EQ(l.trace_bytes_per_s->upper, 8e5);
  EXPECT_EQ(l.trace_events_per_s, 42000);
  EXPECT_EQ(l.trace_throughput_rps, 1985);
}

TEST(SweepResult, KnowsEveryStatusWordAndNothingElse) {
  for (LevelStatus s : {LevelStatus::kMeasured, LevelStatus::kNotReached, LevelStatus::kFailed, LevelStatus::kNotRun})
    EXPECT_EQ(level_status(json{{"status", to_string(s)}}), s) << to_string(s);
  EXPECT_EQ(level_status(json{{"status", "Measured"}}), LevelStatus::kUnknown);
  EXPECT_EQ(level_status(json{{"status", 3}}), LevelStatus::kUnknown);
  EXPECT_EQ(level_status(json::object()), LevelStatus::kUnknown);
}

TEST(SweepResult, ANotRunLevelHasNoFigures) {
  const SweepLevelView l = read_sweep_level(
      json{{"index", 2}, {"axis", "rate_rps"}, {"level", 4000}, {"status", "not_run"}, {"reached", nullptr},
           {"reason", "not run: interrupted"}, {"result", nullptr}});
  EXPECT_EQ(l.status, LevelStatus::kNotRun);
  EXPECT_EQ(l.reason, "not run: interrupted");
  EXPECT_TRUE(l.modes.empty());
  EXPECT_FALSE(l.trace_bytes_per_s.has_value());
}

TEST(SweepResult, AWronglyTypedContainerIsOneLineNamingTheKey) {
  json l = measured_level();
  l["comparisons"] = json::object();
  try {
    read_sweep_level(l);
    FAIL() << "no error";
  } catch (const FormatError& e) {
    EXPECT_STREQ(e.what(), "the sweep level's 'comparisons' is not a list");
  }
  try {
    read_sweep_levels(json::array({measured_level(), 7}));
    FAIL() << "no error";
  } catch (const FormatError& e) {
    EXPECT_STREQ(e.what(), "the sweep's 'levels[1]' is not an object");
  }
  l = measured_level();
  l["modes"]["off"] = 3;
  EXPECT_THROW(read_sweep_level(l), FormatError);
}

TEST(SweepResult, WhyTheModelHasNoBytesLineFromItsKeyOrAnOlderSweepsNotes) {
  EXPECT_EQ(bytes_model_missing(json{{"bytes_per_s_missing", "no bytes/s model: 1 point"},
                                     {"notes", {"no bytes/s model: 1 point", "two levels"}}}),
            std::vector<std::string>{"no bytes/s model: 1 point"});
  EXPECT_EQ(bytes_model_missing(json{{"notes", {"two levels", "no bytes/s model: no fitted level"}}}),
            std::vector<std::string>{"no bytes/s model: no fitted level"});
  EXPECT_TRUE(bytes_model_missing(json{{"bytes_per_s", {{"slope", 1}}}, {"notes", json::array()}}).empty());
}

}  // namespace
}  // namespace tracebench::result
