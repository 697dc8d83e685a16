// recommend(): what it reads from a run result, what it computes, what it says is missing,
// and bad input (other schemas, absurd options).

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "reports/recommendations_text.h"
#include "result/recommendations.h"
#include "run_result_fixture.h"
#include "sizing/flight_recorder_size.h"
#include "sizing/result_rates.h"
#include "sizing/sizing.h"

namespace tracebench::sizing {
namespace {

using nlohmann::json;
using testing::run_result;

// The terminal form (it lives with the other renderers) of a recommendations object and a
// verification, read as `size` and `run` read them.
std::string format_recommendations(const json& recommendations, const json& verification = nullptr) {
  return reports::format_recommendations(result::read_recommendations_object(recommendations),
                                         result::read_verification(json{{"verification", verification}}));
}

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
  EXPECT_EQ(m->upper_basis,
            "the highest of 6 pprof capture rounds: the pprof captures' rate (the run had no flight-recorder "
            "snapshot rate)");
  EXPECT_FALSE(m->other_source);
}

// Adds flight-recorder snapshot rates to a result: rounds and the mode's median.
json with_snapshots(json r, const std::vector<double>& rates) {
  std::vector<double> sorted = rates;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  r["modes"]["flightrecorder"] = {{"rounds", n},
                                  {"trace_bytes_per_s", {{"median", n % 2 ? sorted[n / 2]
                                                                          : (sorted[n / 2 - 1] + sorted[n / 2]) / 2}}}};
  for (double v : rates)
    r["rounds"].push_back({{"mode", "flightrecorder"}, {"complete", true}, {"snapshot", {{"bytes_per_s", v}}}});
  return r;
}

TEST(MeasuredRate, TheFlightRecordersOwnRateWhenItIsTheHigher) {
  // As on the demo: the recorder writes ~1.7× the bytes/s of a pprof capture.
  const json r = with_snapshots(run_result({2.3e6, 2.4e6, 2.5e6}), {4.0e6, 4.2e6, 4.1e6});
  auto m = measured_rate(r, nullptr);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->source, "flightrecorder");
  EXPECT_DOUBLE_EQ(m->median_bytes_per_s, 4.1e6);
  EXPECT_DOUBLE_EQ(m->basis.upper_bytes_per_s, 4.2e6);
  EXPECT_EQ(m->upper_basis,
            "the highest of 3 flight-recorder snapshot rounds: the flight recorder's own rate, the higher of the two "
            "(the pprof captures' highest was 2.38 MiB/s)");
  ASSERT_TRUE(m->other_source);
  EXPECT_EQ(*m->other_source, "trace");
  EXPECT_DOUBLE_EQ(*m->other_upper_bytes_per_s, 2.5e6);
  // The sizes follow: 4.2 MB/s × 11 s = 46.2 MB → 48 MiB, where the capture rate gave 28 MiB.
  SizingOptions o;
  o.windows_ns = {10'000'000'000};
  const json rec = recommend(r, o);
  EXPECT_EQ(rec["rate"]["source"], "flightrecorder");
  EXPECT_EQ(rec["rate"]["other"]["source"], "trace");
  EXPECT_EQ(rec["flight_recorder"][0]["max_bytes"].get<std::uint64_t>(), 48u << 20);
  const std::string text = format_recommendations(rec);
  EXPECT_NE(text.find("sized for 4.01 MiB/s: the highest of 3 flight-recorder snapshot rounds: the flight recorder's "
                      "own rate"),
            std::string::npos)
      << text;
}

TEST(MeasuredRate, TheCaptureRateWhenItIsTheHigher) {
  const json r = with_snapshots(run_result({2.3e6, 2.4e6, 2.9e6}), {2.0e6, 2.2e6});
  auto m = measured_rate(r, nullptr);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->source, "trace");
  EXPECT_DOUBLE_EQ(m->basis.upper_bytes_per_s, 2.9e6);
  EXPECT_NE(m->upper_basis.find("the pprof captures' rate, the higher of the two (the flight recorder's snapshots' "
                                "highest was 2.10 MiB/s)"),
            std::string::npos)
      << m->upper_basis;
}

TEST(MeasuredRate, ImplausibleRatesAreRefusedByName) {
  json r = run_result({2e6, 1e300, 2e6});
  EXPECT_EQ(check_result_rates(r),
            "modes.trace.trace_bytes_per_s.ci_high = 1e+300 is out of range: expected a trace rate from 0 to 10 GB/s "
            "(bytes per second)");
  std::string why;
  EXPECT_FALSE(measured_rate(r, &why));
  EXPECT_EQ(why, check_result_rates(r));
  // recommend() returns at once (friendly_size_up used to loop forever on it) and says why.
  const json rec = recommend(r, SizingOptions{});
  EXPECT_TRUE(rec["rate"].is_null());
  EXPECT_NE(rec["missing"][0].get<std::string>().find("1e+300 is out of range"), std::string::npos);

  json median = run_result({2e6, 2e6});
  median["modes"]["trace"]["trace_bytes_per_s"]["median"] = 1e18;
  EXPECT_EQ(check_result_rates(median),
            "modes.trace.trace_bytes_per_s.median = 1e+18 is out of range: expected a trace rate from 0 to 10 GB/s "
            "(bytes per second)");
  json round = run_result({2e6, 2e6});
  round["rounds"][1]["trace"]["bytes_per_s"] = -5;
  EXPECT_EQ(check_result_rates(round),
            "rounds[1].trace.bytes_per_s = -5 is out of range: expected a trace rate from 0 to 10 GB/s (bytes per "
            "second)");
  EXPECT_EQ(check_result_rates(run_result({2e6, 1e10})), "");  // 10 GB/s is the limit, included
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
  go.tool = ParseTool::kGoToolTrace;
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

TEST(RecommendForRate, WarnsWhenTheMemoryIsNotPlausible) {
  SizingOptions o;
  o.windows_ns = {3'600'000'000'000, 10'000'000'000};
  const json rec = recommend_for_rate(10e9, o);  // --bytes-per-sec 10GB --window 1h
  ASSERT_EQ(rec["flight_recorder"].size(), 2u);
  EXPECT_EQ(rec["flight_recorder"][0]["max_bytes"].get<std::uint64_t>(), 48ull << 40);
  ASSERT_EQ(rec["warnings"].size(), 2u) << rec["warnings"].dump(2);  // 1 h: 48 TiB; 10 s: 160 GiB
  EXPECT_EQ(rec["warnings"][0],
            "the 60 min window needs MaxBytes 48 TiB (RSS up to 96 TiB): over 64 GiB, more memory than a flight "
            "recorder can plausibly hold in one process; check the rate, shorten the window, or take a capture "
            "(/debug/pprof/trace?seconds=N) instead");
  EXPECT_NE(format_recommendations(rec).find("  warning: the 60 min window needs MaxBytes 48 TiB"), std::string::npos);
  o.windows_ns = {10'000'000'000};
  EXPECT_TRUE(recommend_for_rate(3e6, o)["warnings"].empty());
}

TEST(Recommend, SaysWhyGoToolTraceWasNotTimed) {
  // run never times go tool trace: the result's recommendations say so.
  const json rec = recommend(run_result({2e6, 2.2e6}), SizingOptions{});
  EXPECT_NE(rec["missing"][0].get<std::string>().find("go tool trace not timed: tracebench size RESULT --trace FILE"),
            std::string::npos)
      << rec["missing"].dump(2);
  // A caller's own reason is kept, not doubled.
  SizingOptions o;
  o.go_tool_not_timed = "go tool trace not timed: go not found";
  const json told = recommend(run_result({2e6, 2.2e6}), o);
  EXPECT_NE(told["missing"][0].get<std::string>().find("go not found"), std::string::npos);
  EXPECT_EQ(told["missing"][0].get<std::string>().find("tracebench size RESULT --trace FILE) times it on"),
            std::string::npos);
  // With a reader speed but no go tool trace speed, the reason is a note.
  json r = run_result({2e6, 2.2e6});
  r["modes"]["trace"]["parse_mb_per_s"] = 100.0;
  const json with_reader = recommend(r, SizingOptions{});
  bool said = false;
  for (const auto& n : with_reader["notes"])
    said = said || n.get<std::string>().rfind("go tool trace not timed", 0) == 0;
  EXPECT_TRUE(said);
}

TEST(ParseBudget, OneRangeAndOneWordingForSizeAndSweep) {
  double pct = 0;
  EXPECT_EQ(parse_budget_pct("--budget", "2%", &pct), "");
  EXPECT_DOUBLE_EQ(pct, 2.0);
  EXPECT_EQ(parse_budget_pct("--budget", "0.5", &pct), "");
  EXPECT_DOUBLE_EQ(pct, 0.5);
  EXPECT_EQ(parse_budget_pct("--budget", "0.01%", &pct), "");
  EXPECT_EQ(parse_budget_pct("--budget", "100%", &pct), "");
  EXPECT_EQ(parse_budget_pct("--budget", "1e-300%", &pct), "--budget 1e-300% is out of range: expected 0.01% to 100%");
  EXPECT_EQ(parse_budget_pct("--budget", "0%", &pct), "--budget 0% is out of range: expected 0.01% to 100%");
  EXPECT_EQ(parse_budget_pct("--budget", "0.001%", &pct), "--budget 0.001% is out of range: expected 0.01% to 100%");
  EXPECT_EQ(parse_budget_pct("--budget", "100.5%", &pct), "--budget 100.5% is out of range: expected 0.01% to 100%");
  EXPECT_EQ(parse_budget_pct("--budget", "-5%", &pct), "--budget -5% is out of range: expected 0.01% to 100%");
  EXPECT_EQ(parse_budget_pct("--budget", "1e999%", &pct), "--budget 1e999% is out of range: expected 0.01% to 100%");
  for (const char* bad : {"lots", "", "%", "2%%", "inf", "nan", "0x10", "2 %", "1..2"})
    EXPECT_EQ(parse_budget_pct("--budget", bad, &pct),
              fmt::format("--budget: bad budget '{}': expected a percentage, e.g. 2%", bad));
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
  EXPECT_EQ(validate(o), "overhead budget 150% is out of range: expected 0.01% to 100%");
  o.budget_pct = 1e-300;
  EXPECT_EQ(validate(o), "overhead budget 1e-300% is out of range: expected 0.01% to 100%");
  o.budget_pct = 100;
  EXPECT_EQ(validate(o), "");
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
  EXPECT_EQ(text.find("EXCEEDED"), std::string::npos) << text;
}

TEST(Format, VerificationMarksAnExceededBasisAndRss) {
  const json rec = recommend(run_result({2e6, 2.5e6}), SizingOptions{});
  const json v = {{"window_s", 10.0},
                  {"status", "verified"},
                  {"upper_bytes_per_s", 2.5e6},
                  {"attempts", json::array({{{"attempt", 1}, {"min_age_s", 20.0}, {"max_bytes", 28 << 20},
                                             {"filled_s", 12.0}, {"achieved_window_s", 10.02},
                                             {"snapshot_bytes", 30 << 20}, {"snapshot_bytes_per_s", 4.2e6},
                                             {"basis_exceeded", true}, {"generations", 11},
                                             {"bound_text", "MaxBytes reached"}, {"reached", true},
                                             {"rss_growth_bytes", 90.0 * (1 << 20)}, {"expected_live_bytes", 33 << 20},
                                             {"expected_rss_high_bytes", 66 << 20}, {"rss_exceeded", true}}})},
                  {"reason", "recommend ..."}};
  const std::string text = format_recommendations(rec, v);
  EXPECT_NE(text.find("    BASIS EXCEEDED: 4.01 MiB/s here, 68.0% above the 2.38 MiB/s the size rests on\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("    target RSS grew 90 MiB (expected live 33 MiB, up to 66 MiB)  RSS EXCEEDED\n"),
            std::string::npos)
      << text;
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
