// The sweep's levels and model from run results: reached or not, the fit of bytes/s and
// overhead against load, predictions and their extrapolation flag.

#include <gtest/gtest.h>

#include <algorithm>

#include "reports/sweep_text.h"
#include "result/sweep_result.h"
#include "run_result_fixture.h"
#include "sizing/sweep.h"

namespace tracebench::sizing {
namespace {

using nlohmann::json;
using testing::Comparison;
using testing::run_result;

// The terminal form (it lives with the other renderers) of a sweep document, read as
// `sweep` reads it.
std::string format_sweep(const json& sweep) { return reports::format_sweep(result::read_sweep(sweep)); }

// A level answered at achieved_rps, whose trace rate is idle + per_request × achieved_rps
// (rounds ±10%) and whose trace CPU-per-request change is cpu_delta %.
json level_result(double achieved_rps, double idle, double per_request, double cpu_delta) {
  const double r = idle + per_request * achieved_rps;
  return run_result({r * 0.9, r, r * 1.1}, achieved_rps, achieved_rps,
                    {{"trace", "target_cpu_us_per_request", cpu_delta, cpu_delta - 1, cpu_delta + 1},
                     {"trace", "throughput_rps", 0.0, -1, 1}});
}

json levels_of(const std::vector<json>& results, const std::vector<double>& asked) {
  json levels = json::array();
  for (std::size_t i = 0; i < results.size(); ++i)
    levels.push_back(summarize_level(results[i], SweepAxis::kRate, asked[i], i));
  return levels;
}

TEST(SummarizeLevel, ReachedWhenOffThroughputIsNinetyPercentOfTheRate) {
  json l = summarize_level(level_result(950, 1e5, 300, 1), SweepAxis::kRate, 1000, 0);
  EXPECT_EQ(l["status"], "measured");
  EXPECT_TRUE(l["reached"].get<bool>());
  EXPECT_EQ(l["load"]["rate_rps"], 1000);
  EXPECT_DOUBLE_EQ(l["trace_bytes_per_s"]["median"].get<double>(), 1e5 + 300 * 950);
  EXPECT_DOUBLE_EQ(l["modes"]["off"]["throughput_rps"].get<double>(), 950);
  ASSERT_EQ(l["comparisons"].size(), 2u);

  l = summarize_level(level_result(5100, 1e5, 300, 1), SweepAxis::kRate, 8000, 3);
  EXPECT_EQ(l["status"], "not_reached");
  EXPECT_FALSE(l["reached"].get<bool>());
  EXPECT_EQ(l["reason"], "not reached: the target answered 5100 req/s of the 8000 asked (under 90%), so this level "
                         "is not fitted");
}

TEST(SummarizeLevel, StoppedRunFailsInvalidRunIsKeptWithItsReasons) {
  json r = level_result(1000, 1e5, 300, 1);
  r["complete"] = false;
  r["stop_reason"] = "the target stopped answering";
  json l = summarize_level(r, SweepAxis::kRate, 1000, 0);
  EXPECT_EQ(l["status"], "failed");
  EXPECT_NE(l["reason"].get<std::string>().find("the target stopped answering"), std::string::npos);

  r = level_result(1000, 1e5, 300, 1);
  r["invalid_reasons"].push_back("generator send lag p99 reached 2.00 ms in round 3");
  l = summarize_level(r, SweepAxis::kRate, 1000, 0);
  EXPECT_EQ(l["status"], "measured");
  EXPECT_EQ(l["invalid_reasons"].size(), 1u);

  l = summarize_level(json{{"schema", "tracebench.run/v9"}}, SweepAxis::kRate, 1000, 0);
  EXPECT_EQ(l["status"], "failed");
}

// What a sweep report needs of each level besides its rates: the CPU share of tracebench and
// the target (CPU µs per request × req/s, median over complete rounds), failed requests and
// the run's warnings.
TEST(SummarizeLevel, CarriesCpuSharesErrorsAndWarnings) {
  json r = level_result(1000, 1e5, 300, 1);
  const double generator_us[] = {100, 400, 300, 200, 500, 600};  // with 2000 req/s: 0.2 .. 1.2 CPUs
  std::size_t k = 0;
  for (auto& round : r["rounds"]) {
    round["throughput_rps"] = 2000.0;
    round["generator_cpu_us_per_request"] = generator_us[k % 6];
    round["target_cpu_us_per_request"] = 250.0;
    round["errors"] = k == 4 ? 3 : 0;
    ++k;
  }
  r["rounds"][1]["complete"] = false;  // left out of the shares, its errors still counted
  r["rounds"][1]["generator_cpu_us_per_request"] = 1e6;
  r["warnings"] = json::array({"CPU frequency scaling governor is 'powersave'"});
  const json l = summarize_level(r, SweepAxis::kRate, 1000, 0);
  std::vector<double> shares;
  for (const auto& round : r["rounds"])
    if (round["complete"].get<bool>())
      shares.push_back(round["generator_cpu_us_per_request"].get<double>() * 2000 / 1e6);
  std::sort(shares.begin(), shares.end());
  const std::size_t n = shares.size();
  const double median = n % 2 ? shares[n / 2] : (shares[n / 2 - 1] + shares[n / 2]) / 2;
  EXPECT_DOUBLE_EQ(l["generator_cpu_share"].get<double>(), median);
  EXPECT_DOUBLE_EQ(l["target_cpu_share"].get<double>(), 0.5);
  EXPECT_EQ(l["errors"].get<double>(), 3);
  EXPECT_EQ(l["warnings"], r["warnings"]);
  // A result without per-round CPU leaves the shares null.
  const json bare = summarize_level(level_result(1000, 1e5, 300, 1), SweepAxis::kRate, 1000, 0);
  EXPECT_TRUE(bare["generator_cpu_share"].is_null());
  EXPECT_EQ(bare["errors"].get<double>(), 0);
}

TEST(SummarizeLevel, ClosedLoopLevelsAreConnectionCounts) {
  const json l = summarize_level(level_result(4000, 1e5, 300, 1), SweepAxis::kConnections, 32, 1);
  EXPECT_EQ(l["status"], "measured");
  EXPECT_EQ(l["load"]["connections"], 32);
}

TEST(FitModel, RecoversIdleRateAndBytesPerRequest) {
  const json levels = levels_of({level_result(1000, 2e5, 350, 1), level_result(2000, 2e5, 350, 2),
                                 level_result(4000, 2e5, 350, 4)},
                                {1000, 2000, 4000});
  const json m = fit_model(levels, 6000.0, SizingOptions{});
  ASSERT_TRUE(m["bytes_per_s"].is_object()) << m.dump(2);
  EXPECT_NEAR(m["bytes_per_s"]["idle_bytes_per_s"].get<double>(), 2e5, 1e-3);
  EXPECT_NEAR(m["bytes_per_s"]["bytes_per_request"].get<double>(), 350, 1e-9);
  EXPECT_NEAR(m["bytes_per_s"]["r2"].get<double>(), 1.0, 1e-12);
  EXPECT_EQ(m["levels_fitted"].size(), 3u);
  // Overhead: cpu change = 0 + 0.001 %/(req/s).
  bool found = false;
  for (const auto& o : m["overhead"])
    if (o["mode"] == "trace" && o["metric"] == "target_cpu_us_per_request") {
      found = true;
      EXPECT_NEAR(o["slope"].get<double>(), 0.001, 1e-12);
      EXPECT_NEAR(o["intercept"].get<double>(), 0.0, 1e-9);
    }
  EXPECT_TRUE(found);
  const json& p = m["prediction"];
  ASSERT_TRUE(p.is_object());
  EXPECT_TRUE(p["extrapolated"].get<bool>());
  EXPECT_NE(p["extrapolation"].get<std::string>().find("above the measured range (1000 to 4000 req/s)"),
            std::string::npos);
  EXPECT_NEAR(p["bytes_per_s"]["estimate"].get<double>(), 2e5 + 350 * 6000, 1e-3);
  ASSERT_EQ(p["flight_recorder"].size(), 5u);
  // Sized with the largest level spread (1.1): 10 s needs 2.3e6 × 1.1 × 11 B.
  EXPECT_GE(p["flight_recorder"][2]["max_bytes"].get<double>(), 2.3e6 * 1.1 * 11);
  for (const auto& o : p["overhead"])
    if (o["metric"] == "target_cpu_us_per_request") {
      EXPECT_NEAR(o["estimate"].get<double>(), 6.0, 1e-9);
    }
}

// Three levels off a straight line: a wide prediction interval (t with 1 df).
json noisy_levels() {
  return levels_of({level_result(1000, 2e5, 350, 1), level_result(2000, 2e5, 250, 2), level_result(4000, 2e5, 350, 4)},
                   {1000, 2000, 4000});
}

TEST(FitModel, ExtrapolatedSizesRestOnTheUpperEndOfThePredictionInterval) {
  const json m = fit_model(noisy_levels(), 8000.0, SizingOptions{});
  const json& p = m["prediction"];
  ASSERT_TRUE(p["extrapolated"].get<bool>());
  const double estimate = p["bytes_per_s"]["estimate"].get<double>();
  const double pi_high = p["bytes_per_s"]["pi_high"].get<double>();
  ASSERT_GT(pi_high, estimate * 1.1);  // wider than the level spread: the interval binds
  EXPECT_DOUBLE_EQ(p["sized_from_bytes_per_s"].get<double>(), pi_high);
  // 10 s window: the interval's upper end × 11 s, not the estimate × spread × 11 s.
  EXPECT_GE(p["flight_recorder"][2]["max_bytes"].get<double>(), pi_high * 11);
  EXPECT_NE(p["flight_recorder"][2]["go_runtime_trace"].get<std::string>().find("(extrapolated; sized for "),
            std::string::npos);
  bool said = false;
  for (const auto& n : p["notes"])
    said = said || n.get<std::string>().rfind("sizes use the upper end of the 95% prediction interval", 0) == 0;
  EXPECT_TRUE(said) << p["notes"].dump(2);
  // Capture windows too stay under the budget at that rate.
  for (const auto& c : p["capture_windows"]) EXPECT_LE(c["upper_bytes"].get<double>(), c["budget_bytes"].get<double>());
  EXPECT_NEAR(p["capture_windows"][0]["upper_bytes"].get<double>(), p["capture_windows"][0]["seconds"].get<double>() * pi_high,
              1e-3);
}

TEST(FitModel, InsideTheRangeSizesFromTheEstimateTimesTheSpread) {
  const json m = fit_model(noisy_levels(), 3000.0, SizingOptions{});
  const json& p = m["prediction"];
  ASSERT_FALSE(p["extrapolated"].get<bool>());
  EXPECT_NEAR(p["sized_from_bytes_per_s"].get<double>(), p["bytes_per_s"]["estimate"].get<double>() * 1.1, 1e-6);
}

TEST(FitModel, APredictionBeyondAnyPlausibleRateIsNotSized) {
  const json levels = levels_of({level_result(1000, 2e5, 350, 1), level_result(2000, 2e5, 350, 2),
                                 level_result(4000, 2e5, 350, 4)},
                                {1000, 2000, 4000});
  const json m = fit_model(levels, 1e9, SizingOptions{});  // 350 B × 1e9 req/s = 350 GB/s
  const json& p = m["prediction"];
  EXPECT_TRUE(p["flight_recorder"].empty());
  EXPECT_TRUE(p["capture_windows"].empty());
  ASSERT_FALSE(p["notes"].empty());
  EXPECT_NE(p["notes"][0].get<std::string>().find("is above the 10 GB/s any trace could plausibly reach: no sizes at "
                                                  "1e+09 req/s"),
            std::string::npos)
      << p["notes"].dump(2);
}

TEST(FormatSweep, ANegativeIdleRateKeepsItsSign) {
  json sweep = {{"schema", kSweepSchema}, {"config", {{"axis", "rate_rps"}}}, {"stop_reason", nullptr}};
  sweep["levels"] = levels_of({level_result(1000, -1e5, 350, 1), level_result(2000, -1e5, 350, 2),
                               level_result(4000, -1e5, 350, 4)},
                              {1000, 2000, 4000});
  sweep["model"] = fit_model(sweep["levels"], std::nullopt, SizingOptions{});
  const std::string text = format_sweep(sweep);
  EXPECT_NE(text.find("model: trace bytes/s = -97.7 KiB/s + 350 B × req/s"), std::string::npos) << text;
  EXPECT_NE(text.find("idle rate (intercept) -97.7 KiB/s, 350 bytes"), std::string::npos) << text;
}

TEST(FitModel, InsideTheRangeIsNotExtrapolated) {
  const json levels = levels_of({level_result(1000, 2e5, 350, 1), level_result(2000, 2e5, 350, 2),
                                 level_result(4000, 2e5, 350, 4)},
                                {1000, 2000, 4000});
  const json m = fit_model(levels, 3000.0, SizingOptions{});
  EXPECT_FALSE(m["prediction"]["extrapolated"].get<bool>());
  EXPECT_TRUE(m["prediction"]["extrapolation"].is_null());
}

TEST(FitModel, LevelsNotReachedAreNotFitted) {
  const json levels = levels_of({level_result(1000, 2e5, 350, 1), level_result(2000, 2e5, 350, 2),
                                 level_result(4000, 2e5, 350, 4), level_result(5000, 9e9, 0, 50)},
                                {1000, 2000, 4000, 8000});
  EXPECT_EQ(levels[3]["status"], "not_reached");
  const json m = fit_model(levels, std::nullopt, SizingOptions{});
  EXPECT_EQ(m["levels_fitted"], json::array({0, 1, 2}));
  EXPECT_NEAR(m["bytes_per_s"]["bytes_per_request"].get<double>(), 350, 1e-9);
  EXPECT_TRUE(m["prediction"].is_null());
}

TEST(FitModel, TwoLevelsSaySoOneLevelHasNoModel) {
  json levels = levels_of({level_result(1000, 2e5, 350, 1), level_result(2000, 2e5, 350, 2)},
                          {1000, 2000});
  json m = fit_model(levels, std::nullopt, SizingOptions{});
  bool said = false;
  for (const auto& n : m["notes"]) said = said || n.get<std::string>().find("two levels") != std::string::npos;
  EXPECT_TRUE(said) << m["notes"].dump();

  levels = levels_of({level_result(1000, 2e5, 350, 1), level_result(3000, 2e5, 350, 2)}, {1000, 8000});
  m = fit_model(levels, 5000.0, SizingOptions{});
  EXPECT_TRUE(m["bytes_per_s"].is_null());
  EXPECT_EQ(m["notes"][0], "no bytes/s model: needs at least 2 levels, have 1");
  EXPECT_TRUE(m["prediction"]["bytes_per_s"].is_null());
}

TEST(FormatSweep, ShowsLevelsModelAndPrediction) {
  json sweep = {{"schema", kSweepSchema}, {"config", {{"axis", "rate_rps"}}}, {"stop_reason", nullptr}};
  sweep["levels"] = levels_of({level_result(1000, 2e5, 350, 1), level_result(2000, 2e5, 350, 2),
                               level_result(4000, 2e5, 350, 4)},
                              {1000, 2000, 4000});
  sweep["model"] = fit_model(sweep["levels"], 6000.0, SizingOptions{});
  const std::string text = format_sweep(sweep);
  EXPECT_NE(text.find("R² 1.000, 3 levels, 1000 to 4000 req/s"), std::string::npos) << text;
  EXPECT_NE(text.find("350 bytes of trace per request"), std::string::npos) << text;
  EXPECT_NE(text.find("at 6000 req/s (EXTRAPOLATED)"), std::string::npos) << text;
}

}  // namespace
}  // namespace tracebench::sizing
