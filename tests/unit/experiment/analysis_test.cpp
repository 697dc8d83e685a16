#include "experiment/analysis.h"

#include <gtest/gtest.h>

#include <random>

namespace tracebench::experiment {
namespace {

TraceFacts facts(std::uint64_t bytes, double span_s, std::optional<double> events_per_s) {
  TraceFacts f;
  f.bytes = bytes;
  f.span_s = span_s;
  f.bytes_per_s = static_cast<double>(bytes) / span_s;
  f.events_per_s = events_per_s;
  f.go_version = "go 1.26";
  return f;
}

// A synthetic run: n rounds per mode with noisy figures; trace costs `trace_cpu_pct` more
// CPU per request and the flight recorder nothing.
RunResult synthetic_run(int n, double trace_cpu_pct, std::uint64_t seed = 3) {
  RunResult run;
  run.config.modes = {Mode::kOff, Mode::kTrace, Mode::kFlightRecorder};
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 0.01);  // 1% round-to-round noise
  int index = 0;
  for (int i = 0; i < n; ++i) {
    for (Mode m : run.config.modes) {
      RoundRecord r;
      r.index = index++;
      r.mode = m;
      r.requests = 10000;
      const double cpu_factor = m == Mode::kTrace ? 1 + trace_cpu_pct / 100 : 1.0;
      r.throughput_rps = 40000 * (1 + noise(rng)) / cpu_factor;
      r.latency_p50_ns = static_cast<std::int64_t>(500'000 * (1 + noise(rng)) * cpu_factor);
      r.latency_p99_ns = static_cast<std::int64_t>(2'000'000 * (1 + noise(rng)) * cpu_factor);
      r.latency_p999_ns = static_cast<std::int64_t>(5'000'000 * (1 + noise(rng)) * cpu_factor);
      r.target_cpu_us_per_request = 25.0 * (1 + noise(rng)) * cpu_factor;
      if (m == Mode::kTrace) r.trace = facts(4'000'000, 1.0, 100000.0);
      if (m == Mode::kFlightRecorder) r.snapshot = facts(9'000'000, 2.5, std::nullopt);
      run.rounds.push_back(r);
    }
  }
  for (Mode m : run.config.modes) run.latency_by_mode[m] = std::make_shared<stats::Histogram>();
  return run;
}

const ComparisonRow* find(const Analysis& a, Mode mode, Metric m) {
  for (const auto& c : a.comparisons)
    if (c.mode == mode && c.metric == m) return &c;
  return nullptr;
}

TEST(Analysis, FindsAKnownCostAndNothingWhereThereIsNone) {
  const Analysis a = analyse(synthetic_run(10, 10.0));
  EXPECT_TRUE(a.invalid_reasons.empty());
  const auto* cpu = find(a, Mode::kTrace, Metric::kTargetCpuPerRequest);
  ASSERT_NE(cpu, nullptr);
  EXPECT_TRUE(cpu->significant);
  EXPECT_NEAR(cpu->change.delta_pct, 10.0, 2.0);
  EXPECT_LT(cpu->change.ci_low_pct, 10.0);
  EXPECT_GT(cpu->change.ci_high_pct, 10.0 - 4.0);
  const auto* tput = find(a, Mode::kTrace, Metric::kThroughput);
  ASSERT_NE(tput, nullptr);
  EXPECT_TRUE(tput->significant);
  EXPECT_LT(tput->change.delta_pct, 0.0);
  const auto* fr = find(a, Mode::kFlightRecorder, Metric::kTargetCpuPerRequest);
  ASSERT_NE(fr, nullptr);
  EXPECT_FALSE(fr->significant);
  EXPECT_LT(fr->change.ci_low_pct, 0.0);
  EXPECT_GT(fr->change.ci_high_pct, 0.0);
  // 2 modes x 5 metrics against off; the noise floor splits off in two and finds nothing.
  EXPECT_EQ(a.comparisons.size(), 10u);
  EXPECT_EQ(a.noise_floor.size(), 5u);
  for (const auto& n : a.noise_floor) EXPECT_FALSE(n.significant) << metric_name(n.metric);
}

TEST(Analysis, HolmAdjustedPIsNeverBelowTheRawP) {
  const Analysis a = analyse(synthetic_run(8, 3.0));
  for (const auto& c : a.comparisons) EXPECT_GE(c.p_adjusted, c.change.p_value);
}

TEST(Analysis, TraceFactsAreSummarisedPerMode) {
  const Analysis a = analyse(synthetic_run(6, 0.0));
  for (const auto& s : a.modes) {
    if (s.mode == Mode::kTrace) {
      ASSERT_TRUE(s.trace_bytes_per_s.has_value());
      EXPECT_DOUBLE_EQ(s.trace_bytes_per_s->estimate, 4'000'000);
      ASSERT_TRUE(s.trace_events_per_s.has_value());
    }
    if (s.mode == Mode::kFlightRecorder) {
      ASSERT_TRUE(s.fr_window_s.has_value());
      EXPECT_DOUBLE_EQ(s.fr_window_s->estimate, 2.5);
      ASSERT_TRUE(s.trace_bytes_per_s.has_value());  // 9 MB over the 2.5 s the snapshot holds
      EXPECT_DOUBLE_EQ(s.trace_bytes_per_s->estimate, 3'600'000);
      EXPECT_FALSE(s.trace_events_per_s.has_value());  // the reader gave no event count
    }
    if (s.mode == Mode::kOff) {
      EXPECT_FALSE(s.trace_bytes.has_value());
    }
  }
}

TEST(Analysis, TooFewRoundsIsInvalid) {
  RunResult run = synthetic_run(6, 0.0);
  run.rounds.back().complete = false;  // the last round (flightrecorder) was cut short
  const Analysis a = analyse(run);
  ASSERT_EQ(a.invalid_reasons.size(), 1u);
  EXPECT_NE(a.invalid_reasons[0].find("flightrecorder has 5 complete rounds"), std::string::npos);
}

TEST(Analysis, RoundsWithoutTargetCpuLeaveThatMetricOut) {
  RunResult run = synthetic_run(6, 0.0);
  for (auto& r : run.rounds) r.target_cpu_us_per_request.reset();
  const Analysis a = analyse(run);
  EXPECT_EQ(find(a, Mode::kTrace, Metric::kTargetCpuPerRequest), nullptr);
  EXPECT_NE(find(a, Mode::kTrace, Metric::kThroughput), nullptr);
}

// The flight recorder's data rate comes from its own snapshots: each snapshot's bytes and
// events over the span its timestamps hold, the median over complete rounds.
TEST(Analysis, FlightRecorderRateIsReadOffItsSnapshots) {
  RunResult run = synthetic_run(6, 0.0);
  // Snapshots of different sizes and windows: rates 2, 3, 4, 5, 6, 7 MB/s and 10k..60k
  // events/s; the median is 4.5 MB/s and 35k events/s.
  int k = 0;
  for (auto& r : run.rounds) {
    if (r.mode != Mode::kFlightRecorder) continue;
    const double span_s = 0.5 + 0.25 * k;
    const double rate = 2e6 + 1e6 * k;
    r.snapshot = facts(static_cast<std::uint64_t>(rate * span_s), span_s, 10000.0 * (k + 1));
    ++k;
  }
  ASSERT_EQ(k, 6);
  // A round cut short and a snapshot the reader could not time change nothing.
  RoundRecord cut = run.rounds.back();
  cut.index = 100;
  cut.complete = false;
  cut.snapshot = facts(100'000'000, 0.1, 1e9);
  run.rounds.push_back(cut);
  RoundRecord unread = run.rounds.back();
  unread.index = 101;
  unread.complete = true;
  unread.snapshot = TraceFacts{};
  unread.snapshot->bytes = 5'000'000;  // bytes known, span 0: no rate, no events
  unread.snapshot->read_error = "truncated";
  run.rounds.push_back(unread);

  const Analysis a = analyse(run);
  const ModeSummary* fr = nullptr;
  const ModeSummary* tr = nullptr;
  for (const auto& s : a.modes) {
    if (s.mode == Mode::kFlightRecorder) fr = &s;
    if (s.mode == Mode::kTrace) tr = &s;
  }
  ASSERT_NE(fr, nullptr);
  ASSERT_TRUE(fr->trace_bytes_per_s.has_value());
  EXPECT_NEAR(fr->trace_bytes_per_s->estimate, 4.5e6, 1.0);
  EXPECT_EQ(fr->trace_bytes_per_s->n, 6u);
  EXPECT_LE(fr->trace_bytes_per_s->low, 4.5e6);
  EXPECT_GE(fr->trace_bytes_per_s->high, 4.5e6);
  ASSERT_TRUE(fr->trace_events_per_s.has_value());
  EXPECT_NEAR(fr->trace_events_per_s->estimate, 35000.0, 1e-6);
  EXPECT_EQ(fr->trace_events_per_s->n, 6u);
  // The window still comes from the same snapshots; the bytes count the unread one too.
  ASSERT_TRUE(fr->fr_window_s.has_value());
  EXPECT_EQ(fr->fr_window_s->n, 6u);
  EXPECT_EQ(fr->trace_bytes->n, 7u);
  // The trace mode keeps its captures' rate: the snapshots do not leak into it.
  ASSERT_NE(tr, nullptr);
  EXPECT_DOUBLE_EQ(tr->trace_bytes_per_s->estimate, 4'000'000);
}


bool has_warning(const Analysis& a, const std::string& text) {
  for (const auto& w : a.warnings)
    if (w.find(text) != std::string::npos) return true;
  return false;
}

// 8 rounds a mode split the off rounds 4 + 4: the smallest Mann-Whitney p is 2/70 = 0.029,
// 0.14 after Holm over 5 metrics, so the noise floor can never flag anything; 10 rounds
// (5 + 5: 2/252 x 5 = 0.040) can.
TEST(Analysis, WarnsWhenTheNoiseFloorCanNeverFlagAChange) {
  EXPECT_NEAR(min_mann_whitney_p(4, 4), 2.0 / 70, 1e-12);
  EXPECT_NEAR(min_mann_whitney_p(5, 5), 2.0 / 252, 1e-12);
  EXPECT_DOUBLE_EQ(min_mann_whitney_p(1, 1), 1.0);
  const Analysis eight = analyse(synthetic_run(8, 0.0));
  EXPECT_TRUE(has_warning(eight, "the noise floor splits 8 off rounds into 4 and 4: the smallest p-value that gives "
                                 "is 0.029, 0.143 after Holm over 5 metrics, so it can never flag a change; it "
                                 "needs 10 off rounds (--rounds 10)"))
      << ::testing::PrintToString(eight.warnings);
  const Analysis ten = analyse(synthetic_run(10, 0.0));
  EXPECT_FALSE(has_warning(ten, "noise floor splits")) << ::testing::PrintToString(ten.warnings);
}

TEST(Analysis, ReportsWhatEachIntervalReallyCovers) {
  const Analysis a = analyse(synthetic_run(6, 0.0));
  for (const auto& s : a.modes)
    for (const auto& m : s.metrics) EXPECT_NEAR(m.ci_coverage, 1 - 2.0 / 64, 1e-9);  // n = 6: x(1) to x(6)
  for (const auto& c : a.comparisons) EXPECT_GE(c.ci_coverage, 0.95);
  // The noise floor of 6 off rounds is 3 + 3: its widest interval covers 1 - 2/20 = 90%.
  ASSERT_FALSE(a.noise_floor.empty());
  for (const auto& c : a.noise_floor) EXPECT_NEAR(c.ci_coverage, 0.9, 1e-9);
  EXPECT_TRUE(has_warning(a, "the noise floor (off vs off) with 3+3 rounds: the \"95%\" change intervals cover only 90.0%"))
      << ::testing::PrintToString(a.warnings);
}

TEST(Analysis, GeneratorLagIsReportedEvenAfterAnotherInvalidReason) {
  RunResult run = synthetic_run(6, 0.0);
  run.rounds.front().complete = false;  // off: 5 complete rounds, invalid on its own
  for (auto& r : run.rounds)
    if (r.mode == Mode::kTrace) r.send_lag_p99_ns = 3'000'000;
  const Analysis a = analyse(run);
  ASSERT_EQ(a.invalid_reasons.size(), 2u) << ::testing::PrintToString(a.invalid_reasons);
  EXPECT_NE(a.invalid_reasons[0].find("mode off has 5 complete rounds"), std::string::npos);
  EXPECT_NE(a.invalid_reasons[1].find("generator send lag p99 reached 3.00 ms in round 2"), std::string::npos);
}

TEST(Analysis, ResourcesPerModeAndABusyGeneratorIsWarnedAbout) {
  RunResult run = synthetic_run(6, 0.0);
  std::uint64_t rss = 10'000'000;
  for (auto& r : run.rounds) {
    r.target_rss_bytes = rss += 1'000'000;
    // 40000 req/s at 20 µs each: 80% of a core.
    r.generator_cpu_us_per_request = 20.0;
  }
  const Analysis a = analyse(run);
  for (const auto& s : a.modes) {
    ASSERT_TRUE(s.target_rss_bytes.has_value());
    EXPECT_EQ(s.target_rss_bytes->n, 6u);
    ASSERT_TRUE(s.generator_cpu_us_per_request.has_value());
    EXPECT_DOUBLE_EQ(s.generator_cpu_us_per_request->estimate, 20.0);
    ASSERT_TRUE(s.generator_core_share.has_value());
    EXPECT_NEAR(*s.generator_core_share, 0.8, 0.03);
  }
  EXPECT_TRUE(has_warning(a, "tracebench's load generator used 80% of a CPU core in mode off (20.0 µs per request)"))
      << ::testing::PrintToString(a.warnings);

  for (auto& r : run.rounds) r.generator_cpu_us_per_request = 2.0;  // 8%
  EXPECT_FALSE(has_warning(analyse(run), "load generator used"));
}

}  // namespace
}  // namespace tracebench::experiment
