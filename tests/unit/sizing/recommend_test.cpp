// recommend(): what it reads from a run result, what it computes, what it says is missing,
// and bad input (other schemas, absurd options).

#include <gtest/gtest.h>

#include "run_result_fixture.h"
#include "sizing/flight_recorder_size.h"
#include "sizing/result_rates.h"
#include "sizing/sizing.h"

namespace tracebench::sizing {
namespace {

using nlohmann::json;
using testing::run_result;

TEST(CheckRunResult, NamesWhatTheDocumentIsInstead) {
  EXPECT_EQ(check_run_result(run_result({1e6, 2e6})), "");
  EXPECT_EQ(check_run_result(json::array()), "not a JSON object: not a tracebench result");
  EXPECT_EQ(check_run_result(json{{"a", 1}}), "no \"schema\" field: not a tracebench result");
  EXPECT_EQ(check_run_result(json{{"schema", "tracebench.run/v2"}}),
            "schema \"tracebench.run/v2\" is another version of the run result; this tracebench reads "
            "tracebench.run/v1");
  EXPECT_NE(check_run_result(json{{"schema", "tracebench.sweep/v1"}}).find("is a sweep result"), std::string::npos);
  EXPECT_EQ(check_run_result(json{{"schema", "tracebench.load/v1"}}),
            "schema \"tracebench.load/v1\" is not a tracebench run result (tracebench.run/v1)");
}

TEST(MeasuredRate, MedianFromTheResultUpperFromTheHighestRound) {
  const json r = run_result({2.0e6, 2.2e6, 1.8e6, 2.6e6, 2.1e6, 1.9e6});
  std::string why;
  auto m = measured_rate(r, &why);
  ASSERT_TRUE(m) << why;
  EXPECT_EQ(m->source, "trace");
  EXPECT_DOUBLE_EQ(m->median_bytes_per_s, 2.05e6);
  EXPECT_DOUBLE_EQ(m->basis.upper_bytes_per_s, 2.6e6);
  EXPECT_EQ(m->round_bytes_per_s.size(), 6u);
  EXPECT_EQ(m->upper_basis, "the highest of 6 rounds");
}

TEST(MeasuredRate, IncompleteRoundsAreLeftOut) {
  json r = run_result({2.0e6, 2.2e6, 1.8e6});
  r["rounds"].push_back({{"mode", "trace"}, {"complete", false}, {"trace", {{"bytes_per_s", 9e9}}}});
  auto m = measured_rate(r, nullptr);
  ASSERT_TRUE(m);
  EXPECT_DOUBLE_EQ(m->basis.upper_bytes_per_s, 2.2e6);
}

TEST(MeasuredRate, FallsBackToSnapshotsThenSaysWhatIsMissing) {
  json r = run_result({});
  std::string why;
  EXPECT_FALSE(measured_rate(r, &why));
  EXPECT_NE(why.find("neither the trace nor the flightrecorder mode"), std::string::npos) << why;
  r["modes"]["flightrecorder"] = {{"rounds", 2}, {"trace_bytes_per_s", {{"median", 3e6}}}};
  r["rounds"].push_back({{"mode", "flightrecorder"}, {"complete", true}, {"snapshot", {{"bytes_per_s", 3e6}}}});
  r["rounds"].push_back({{"mode", "flightrecorder"}, {"complete", true}, {"snapshot", {{"bytes_per_s", 3.3e6}}}});
  auto m = measured_rate(r, &why);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->source, "flightrecorder");
  EXPECT_DOUBLE_EQ(m->basis.upper_bytes_per_s, 3.3e6);
}

TEST(GivenRate, AssumesASpreadAndSaysSo) {
  const MeasuredRate m = given_rate(3e6);
  EXPECT_DOUBLE_EQ(m.basis.upper_bytes_per_s, 3e6 * kAssumedSpread);
  EXPECT_NE(m.upper_basis.find("assumed"), std::string::npos);
}

TEST(Recommend, TableOfWindowsFromTheMeasuredRate) {
  const json r = run_result({2.0e6, 2.2e6, 1.8e6, 2.6e6, 2.1e6, 1.9e6});
  const json rec = recommend(r, SizingOptions{});
  ASSERT_TRUE(rec["rate"].is_object()) << rec.dump(2);
  EXPECT_EQ(rec["rate"]["source"], "trace");
  EXPECT_DOUBLE_EQ(rec["rate"]["upper_bytes_per_s"].get<double>(), 2.6e6);
  ASSERT_EQ(rec["flight_recorder"].size(), 5u);
  const json& ten = rec["flight_recorder"][2];
  EXPECT_DOUBLE_EQ(ten["window_s"].get<double>(), 10);
  EXPECT_DOUBLE_EQ(ten["min_age_s"].get<double>(), 20);
  const FlightRecorderSize s = size_flight_recorder({2.05e6, 2.6e6}, 10'000'000'000);
  EXPECT_EQ(ten["max_bytes"].get<std::uint64_t>(), s.max_bytes);
  EXPECT_EQ(s.max_bytes, 28u << 20);  // 2.6 MB/s × 11 s = 28.6 MB
  EXPECT_NE(ten["go_runtime_trace"].get<std::string>().find("MaxBytes: 28 << 20"), std::string::npos);
  EXPECT_NE(ten["go_x_exp"].get<std::string>().find("SetSize(28 << 20)"), std::string::npos);
  EXPECT_EQ(ten["agent_start"], "start?min_age=20s&max_bytes=28MiB");
  ASSERT_EQ(rec["capture_windows"].size(), 3u);
  EXPECT_DOUBLE_EQ(rec["capture_windows"][1]["seconds"].get<double>(), 19);  // 50 MB / 2.6 MB/s
  EXPECT_EQ(rec["capture_windows"][1]["query"], "/debug/pprof/trace?seconds=19");
  // RSS: both modes had rounds with target_rss_bytes.
  EXPECT_TRUE(rec["memory"]["measured"].is_object());
  EXPECT_DOUBLE_EQ(rec["memory"]["measured"]["delta_bytes"].get<double>(), 1 << 20);
}

TEST(Recommend, NoParseSpeedMeansNoTimeToOpenAndSaysSo) {
  const json rec = recommend(run_result({2e6, 2e6}), SizingOptions{});
  EXPECT_TRUE(rec["parse_speeds"].empty());
  for (const auto& c : rec["capture_windows"]) EXPECT_TRUE(c["open"].empty());
  ASSERT_FALSE(rec["missing"].empty());
  EXPECT_NE(rec["missing"][0].get<std::string>().find("the time to open a capture is unknown"), std::string::npos);
}

TEST(Recommend, TimeToOpenFromMeasuredSpeeds) {
  SizingOptions o;
  o.file_budgets_bytes = {50'000'000};
  ParseSpeed go;
  go.tool = "go tool trace";
  go.mb_per_s = 2.0;
  go.file_bytes = 5'000'000;
  o.parse_speeds.push_back(go);
  json r = run_result({2e6, 2.5e6});
  r["modes"]["trace"]["parse_mb_per_s"] = {{"median", 100.0}, {"ci_low", 90.0}, {"ci_high", 110.0}, {"n", 2}};
  const json rec = recommend(r, o);
  ASSERT_EQ(rec["parse_speeds"].size(), 2u);
  const json& c = rec["capture_windows"][0];
  EXPECT_DOUBLE_EQ(c["seconds"].get<double>(), 20);
  const double expected_bytes = 20 * 2.25e6;
  ASSERT_EQ(c["open"].size(), 2u);
  EXPECT_EQ(c["open"][0]["tool"], "go tool trace");
  EXPECT_NEAR(c["open"][0]["expected_seconds"].get<double>(), expected_bytes / 1e6 / 2.0, 1e-9);
  EXPECT_TRUE(c["open"][0]["extrapolated"].get<bool>());  // 45 MB from a 5 MB file
  EXPECT_EQ(c["open"][1]["tool"], "tracebench");
  EXPECT_NEAR(c["open"][1]["expected_seconds"].get<double>(), expected_bytes / 1e6 / 100.0, 1e-9);
}

TEST(Recommend, ResultWithoutTraceDataSaysWhatIsMissing) {
  const json rec = recommend(run_result({}), SizingOptions{});
  EXPECT_TRUE(rec["rate"].is_null());
  EXPECT_TRUE(rec["flight_recorder"].empty());
  ASSERT_FALSE(rec["missing"].empty());
  EXPECT_NE(rec["missing"][0].get<std::string>().find("no flight-recorder sizes"), std::string::npos);
  EXPECT_NO_THROW(format_recommendations(rec));
}

TEST(Recommend, AnotherSchemaIsReportedNotThrown) {
  const json rec = recommend(json{{"schema", "tracebench.run/v2"}}, SizingOptions{});
  EXPECT_TRUE(rec["rate"].is_null());
  EXPECT_NE(rec["missing"][0].get<std::string>().find("tracebench.run/v2"), std::string::npos);
}

TEST(RecommendForRate, UsesTheAssumedSpreadAndHasNoVerdict) {
  SizingOptions o;
  o.windows_ns = {10'000'000'000};
  const json rec = recommend_for_rate(2e6, o);
  EXPECT_EQ(rec["rate"]["source"], "given");
  EXPECT_DOUBLE_EQ(rec["rate"]["upper_bytes_per_s"].get<double>(), 2.5e6);
  ASSERT_EQ(rec["flight_recorder"].size(), 1u);
  EXPECT_EQ(rec["flight_recorder"][0]["max_bytes"].get<std::uint64_t>(), 28u << 20);
  EXPECT_TRUE(rec["overhead"].is_null());
  EXPECT_TRUE(rec["memory"]["measured"].is_null());
}

TEST(Validate, RejectsZeroNegativeAndAbsurdValues) {
  SizingOptions o;
  EXPECT_EQ(validate(o), "");
  o.windows_ns = {0};
  EXPECT_NE(validate(o).find("window 0 ns is out of range: expected 1s to 1h"), std::string::npos) << validate(o);
  o.windows_ns = {-5'000'000'000};
  EXPECT_NE(validate(o).find("out of range"), std::string::npos);
  o.windows_ns = {7'200'000'000'000};
  EXPECT_NE(validate(o).find("window 120 min is out of range"), std::string::npos) << validate(o);
  o.windows_ns = {};
  EXPECT_NE(validate(o).find("no window given"), std::string::npos);
  o = SizingOptions{};
  o.file_budgets_bytes = {0};
  EXPECT_EQ(validate(o), "file budget 0 is out of range: expected 64KiB to 100GB");
  o.file_budgets_bytes = {200'000'000'000};
  EXPECT_EQ(validate(o), "file budget 200 GB is out of range: expected 64KiB to 100GB");
  o = SizingOptions{};
  o.budget_pct = 0;
  EXPECT_NE(validate(o).find("overhead budget 0% is out of range"), std::string::npos);
  o.budget_pct = 150;
  EXPECT_NE(validate(o).find("out of range"), std::string::npos);
}

TEST(Format, ShowsTheTableTheGoCodeAndWhatIsMissing) {
  const json rec = recommend(run_result({2.0e6, 2.2e6, 1.8e6, 2.6e6, 2.1e6, 1.9e6}), SizingOptions{});
  const std::string text = format_recommendations(rec);
  EXPECT_NE(text.find("trace rate 1.96 MiB/s median over 6 trace rounds, highest 2.48 MiB/s"), std::string::npos)
      << text;
  EXPECT_NE(text.find("MaxBytes: 28 << 20, // 28 MiB"), std::string::npos) << text;
  EXPECT_NE(text.find("fr.SetSize(28 << 20)"), std::string::npos) << text;
  EXPECT_NE(text.find("/debug/pprof/trace?seconds=N"), std::string::npos) << text;
  EXPECT_NE(text.find("not computed: no parse speed measured"), std::string::npos) << text;
}

TEST(Format, VerificationSection) {
  const json rec = recommend(run_result({2e6, 2.5e6}), SizingOptions{});
  const json v = {{"window_s", 10.0},
                  {"status", "verified"},
                  {"attempts", json::array({{{"attempt", 1}, {"min_age_s", 20.0}, {"max_bytes", 28 << 20},
                                             {"filled_s", 12.0}, {"achieved_window_s", 10.42},
                                             {"snapshot_bytes", 29 << 20}, {"generations", 11},
                                             {"bound_text", "MaxBytes reached"}, {"reached", true}}})},
                  {"reason", "recommend MinAge 20 s, MaxBytes 28 MiB: ..."}};
  const std::string text = format_recommendations(rec, v);
  EXPECT_NE(text.find("verification of the 10 s window on the real runtime: verified"), std::string::npos) << text;
  EXPECT_NE(text.find("holds 10.42 s"), std::string::npos) << text;
}

}  // namespace
}  // namespace tracebench::sizing

namespace tracebench::sizing {
namespace {

TEST(Format, SparseDocumentsDoNotThrow) {
  EXPECT_NO_THROW(format_recommendations(nlohmann::json::object()));
  const nlohmann::json failed = {{"window_s", 10.0},
                                 {"status", "failed"},
                                 {"attempts", nlohmann::json::array({{{"attempt", 1}, {"error", "agent gone"}}})},
                                 {"reason", "attempt 1 failed: agent gone"}};
  std::string text;
  EXPECT_NO_THROW(text = format_recommendations(nlohmann::json::object(), failed));
  EXPECT_NE(text.find("attempt 1 failed: agent gone"), std::string::npos) << text;
}

}  // namespace
}  // namespace tracebench::sizing
