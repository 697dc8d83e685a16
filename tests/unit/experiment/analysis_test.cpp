#include "experiment/analysis.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
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
      r.block = i;
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

TEST(Analysis, AdjustedPIsNeverBelowTheRawP) {
  const Analysis a = analyse(synthetic_run(8, 3.0));
  for (const auto& c : a.comparisons) EXPECT_GE(c.p_adjusted, c.change.p_value);
}

// synthetic_run with the agent's GC cycles per 1000 requests in every round, trace changing
// them by `trace_gc_pct`.
RunResult with_gc_cycles(RunResult run, double trace_gc_pct) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> noise(0.0, 0.01);
  for (auto& r : run.rounds) {
    RuntimeFigures f;
    f.gc_cycles_per_1k_requests = 2.0 * (1 + noise(rng)) * (r.mode == Mode::kTrace ? 1 + trace_gc_pct / 100 : 1.0);
    r.runtime = f;
  }
  return run;
}

TEST(Analysis, TheBreakdownIsTestedOnlyOnceCpuPerRequestIsFoundChanged) {
  // GC cycles rise 30% with trace in every block, CPU per request does not move: the
  // breakdown row's own p is tiny, but it explains a cost that was not found, so the run
  // flags nothing there; its adjusted p is never below that of the CPU row that gates it.
  const Analysis quiet = analyse(with_gc_cycles(synthetic_run(16, 0.0), 30.0));
  const auto* gc = find(quiet, Mode::kTrace, Metric::kGcCyclesPer1kRequests);
  const auto* cpu = find(quiet, Mode::kTrace, Metric::kTargetCpuPerRequest);
  ASSERT_NE(gc, nullptr);
  ASSERT_NE(cpu, nullptr);
  EXPECT_LT(gc->change.p_value, 0.001);
  EXPECT_FALSE(cpu->significant);
  EXPECT_FALSE(gc->significant);
  EXPECT_GE(gc->p_adjusted, cpu->p_adjusted);
  // The same rise beside a 10% CPU cost is found: the gate is open.
  const Analysis costly = analyse(with_gc_cycles(synthetic_run(16, 10.0), 30.0));
  EXPECT_TRUE(find(costly, Mode::kTrace, Metric::kTargetCpuPerRequest)->significant);
  EXPECT_TRUE(find(costly, Mode::kTrace, Metric::kGcCyclesPer1kRequests)->significant);
  // The flight recorder's breakdown stays behind its own mode's gate.
  EXPECT_FALSE(find(costly, Mode::kFlightRecorder, Metric::kGcCyclesPer1kRequests)->significant);
}

TEST(Analysis, TheBreakdownTakesNothingFromTheOverheadTests) {
  // With the breakdown beside them, the overhead rows are found exactly as without it (the
  // breakdown starts with no share of alpha): 16 blocks, a 3% cost.
  const Analysis without = analyse(synthetic_run(16, 3.0));
  const Analysis with = analyse(with_gc_cycles(synthetic_run(16, 3.0), 0.0));
  for (const auto& c : without.comparisons) {
    const auto* same = find(with, c.mode, c.metric);
    ASSERT_NE(same, nullptr);
    EXPECT_EQ(same->significant, c.significant) << metric_name(c.metric);
  }
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

// The noise floor pairs the off rounds of adjacent blocks: 14 blocks give 7 pairs, whose
// smallest signed-rank p is 2/128 = 0.016, 0.078 after Holm over 5 metrics, so it can never
// flag anything; 16 blocks (8 pairs: 2/256 x 5 = 0.039) can.
TEST(Analysis, WarnsWhenTheNoiseFloorCanNeverFlagAChange) {
  const Analysis fourteen = analyse(synthetic_run(14, 0.0));
  EXPECT_TRUE(has_warning(fourteen, "the noise floor (off of one block against off of the next) rests on 7 pairs: the "
                                    "smallest p-value that gives is 0.016, 0.078 after Holm over 5 comparisons, so it "
                                    "can never flag a change; it needs 16 clean blocks for that"))
      << ::testing::PrintToString(fourteen.warnings);
  const Analysis sixteen = analyse(synthetic_run(16, 0.0));
  EXPECT_FALSE(has_warning(sixteen, "noise floor (off of one block")) << ::testing::PrintToString(sixteen.warnings);
}

// The same for the comparisons themselves: 10 comparisons need 2/2^n x 10 < 0.05, n >= 9.
TEST(Analysis, WarnsWhenTheComparisonsCanNeverFlagAChange) {
  EXPECT_TRUE(has_warning(analyse(synthetic_run(8, 0.0)), "each mode against off rests on 8 pairs"));
  EXPECT_FALSE(has_warning(analyse(synthetic_run(9, 0.0)), "each mode against off rests on"));
}

TEST(Analysis, ReportsWhatEachIntervalReallyCovers) {
  const Analysis a = analyse(synthetic_run(6, 0.0));
  for (const auto& s : a.modes)
    for (const auto& m : s.metrics) EXPECT_NEAR(m.ci_coverage, 1 - 2.0 / 64, 1e-9);  // n = 6: x(1) to x(6)
  for (const auto& c : a.comparisons) EXPECT_GE(c.ci_coverage, 0.95);
  // The noise floor of 6 blocks is 3 pairs: its widest interval covers 1 - 2/8 = 75%.
  ASSERT_FALSE(a.noise_floor.empty());
  for (const auto& c : a.noise_floor) EXPECT_NEAR(c.ci_coverage, 0.75, 1e-9);
  EXPECT_TRUE(has_warning(a, "the noise floor (off vs off) with 3 pairs of rounds: the \"95%\" change intervals cover "
                             "only 75.0%"))
      << ::testing::PrintToString(a.warnings);
}

// A disturbed round's block is dropped whole (the experiment marks it and runs another):
// none of its rounds counts, the pairs skip it, and the result says how many were dropped.
TEST(Analysis, DroppedBlocksDoNotCount) {
  RunResult run = synthetic_run(12, 0.0);
  for (auto& r : run.rounds)
    if (r.block == 4) {
      r.dropped = true;
      if (r.mode == Mode::kTrace) r.disturbed = "generator send lag p99 reached 3.00 ms";
    }
  run.dropped_blocks.push_back({4, "round 14 (trace): generator send lag p99 reached 3.00 ms"});
  const Analysis a = analyse(run);
  EXPECT_TRUE(a.invalid_reasons.empty()) << ::testing::PrintToString(a.invalid_reasons);
  EXPECT_EQ(a.clean_blocks, 11);
  EXPECT_EQ(a.dropped_blocks, 1);
  for (const auto& s : a.modes) EXPECT_EQ(s.rounds, 11);
  const auto* cpu = find(a, Mode::kTrace, Metric::kTargetCpuPerRequest);
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->change.n_base, 11u);
  EXPECT_TRUE(has_warning(a, "1 block was dropped and run again: round 14 (trace): generator send lag p99 reached"))
      << ::testing::PrintToString(a.warnings);
}

// Too few clean blocks left once the disturbed ones are dropped: invalid, by mode.
TEST(Analysis, TooFewCleanBlocksIsInvalid) {
  RunResult run = synthetic_run(7, 0.0);
  for (auto& r : run.rounds)
    if (r.block >= 2 && r.block <= 3) r.dropped = true;
  const Analysis a = analyse(run);
  ASSERT_EQ(a.invalid_reasons.size(), 3u) << ::testing::PrintToString(a.invalid_reasons);
  EXPECT_NE(a.invalid_reasons[0].find("mode off has 5 complete rounds"), std::string::npos);
}

// Pairing inside blocks removes drift the unpaired comparison cannot: every block's level
// moves by up to +-30%, trace costs 3% more CPU in every block.
TEST(Analysis, BlocksCancelDriftThatHidesACostUnpaired) {
  RunResult run = synthetic_run(20, 3.0, 11);
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> level(0.7, 1.3);
  std::map<int, double> drift;
  for (auto& r : run.rounds) {
    if (!drift.count(r.block)) drift[r.block] = level(rng);
    *r.target_cpu_us_per_request *= drift[r.block];
  }
  const Analysis a = analyse(run);
  const auto* cpu = find(a, Mode::kTrace, Metric::kTargetCpuPerRequest);
  ASSERT_NE(cpu, nullptr);
  EXPECT_TRUE(cpu->significant);
  EXPECT_NEAR(cpu->change.delta_pct, 3.0, 1.0);
  EXPECT_LT(cpu->bound_high_pct, 5.0);
  EXPECT_GT(cpu->unpaired.ci_high_pct - cpu->unpaired.ci_low_pct, 4 * (cpu->change.ci_high_pct - cpu->change.ci_low_pct));
  EXPECT_GT(cpu->unpaired.p_value, 0.05);
}

// The machine's speed moving each round (not each block) is what blocks cannot cancel; the
// probe in every round moves with it, so the adjusted comparison narrows and finds the cost,
// and the plain blocked figures stay beside it.
TEST(Analysis, TheSpeedProbeTakesOutDriftInsideBlocks) {
  RunResult run = synthetic_run(20, 3.0, 17);
  std::mt19937_64 rng(9);
  std::normal_distribution<double> speed(0, 0.02);
  for (auto& r : run.rounds) {
    const double s = speed(rng);
    *r.target_cpu_us_per_request *= std::exp(5 * s);
    r.cpu_probe_ns = 14000 * std::exp(s);
  }
  const Analysis a = analyse(run);
  const auto* cpu = find(a, Mode::kTrace, Metric::kTargetCpuPerRequest);
  ASSERT_NE(cpu, nullptr);
  ASSERT_TRUE(cpu->speed_slope && cpu->unadjusted);
  EXPECT_NEAR(*cpu->speed_slope, 5.0, 0.5);
  EXPECT_TRUE(cpu->significant);
  EXPECT_NEAR(cpu->change.delta_pct, 3.0, 1.0);
  EXPECT_LT(2 * (cpu->change.ci_high_pct - cpu->change.ci_low_pct),
            cpu->unadjusted->ci_high_pct - cpu->unadjusted->ci_low_pct);
  // The probe does not move with the mode here, and the check says so.
  ASSERT_EQ(a.speed_reference.size(), 2u);
  for (const auto& r : a.speed_reference) EXPECT_FALSE(r.significant);
}

TEST(Analysis, APairWithoutTheProbeLeavesTheComparisonUnadjusted) {
  RunResult run = synthetic_run(10, 3.0);
  for (auto& r : run.rounds) r.cpu_probe_ns = 14000;
  run.rounds[4].cpu_probe_ns.reset();  // block 1, trace
  const Analysis a = analyse(run);
  const auto* trace_cpu = find(a, Mode::kTrace, Metric::kTargetCpuPerRequest);
  const auto* fr_cpu = find(a, Mode::kFlightRecorder, Metric::kTargetCpuPerRequest);
  ASSERT_NE(trace_cpu, nullptr);
  ASSERT_NE(fr_cpu, nullptr);
  EXPECT_FALSE(trace_cpu->speed_slope);
  EXPECT_FALSE(trace_cpu->unadjusted);
  EXPECT_TRUE(fr_cpu->speed_slope);
}

// At a fixed rate that the target kept up with, every block's throughput can tie exactly:
// no block is left to compare, and the row must not claim a speed adjustment either.
TEST(Analysis, AllTiedBlocksAreNeitherComparedNorAdjusted) {
  RunResult run = synthetic_run(10, 3.0);
  std::mt19937_64 rng(3);
  std::normal_distribution<double> speed(0, 0.02);
  for (auto& r : run.rounds) {
    r.throughput_rps = 5000;
    r.cpu_probe_ns = 14000 * std::exp(speed(rng));
  }
  const Analysis a = analyse(run);
  const auto* tput = find(a, Mode::kTrace, Metric::kThroughput);
  ASSERT_NE(tput, nullptr);
  EXPECT_EQ(tput->change.n_base, 0u);
  EXPECT_FALSE(tput->speed_slope);
  EXPECT_FALSE(tput->unadjusted);
  EXPECT_FALSE(tput->significant);
  // CPU per request in the same run still differs in every block and is adjusted.
  const auto* cpu = find(a, Mode::kTrace, Metric::kTargetCpuPerRequest);
  ASSERT_NE(cpu, nullptr);
  EXPECT_TRUE(cpu->speed_slope);
}

// A probe that runs slower whenever tracing is on breaks the adjustment's premise: the run
// says so.
TEST(Analysis, WarnsWhenTheProbeMovesWithTheMode) {
  RunResult run = synthetic_run(20, 3.0);
  std::mt19937_64 rng(4);
  std::normal_distribution<double> jitter(0, 0.002);
  for (auto& r : run.rounds) r.cpu_probe_ns = 14000 * std::exp(jitter(rng)) * (r.mode == Mode::kTrace ? 1.02 : 1.0);
  const Analysis a = analyse(run);
  const auto trace = std::find_if(a.speed_reference.begin(), a.speed_reference.end(),
                                  [](const SpeedReferenceCheck& r) { return r.mode == Mode::kTrace; });
  ASSERT_NE(trace, a.speed_reference.end());
  EXPECT_TRUE(trace->significant);
  EXPECT_NEAR(trace->change.delta_pct, 2.0, 0.3);
  EXPECT_TRUE(std::any_of(a.warnings.begin(), a.warnings.end(),
                          [](const std::string& w) { return w.find("CPU speed probe itself changed") != std::string::npos; }));
}

// Off rounds that follow a round with tracing on are compared with the others. Blocks
// alternate off,trace and trace,off, so half the off rounds follow trace and half follow off.
TEST(Analysis, CarryOverIsMeasured) {
  const auto make = [](double carry_factor) {
    RunResult run;
    run.config.modes = {Mode::kOff, Mode::kTrace};
    std::mt19937_64 rng(17);
    std::normal_distribution<double> noise(0.0, 0.01);
    int index = 0;
    for (int b = 0; b < 20; ++b) {
      const std::vector<Mode> order = b % 2 ? std::vector<Mode>{Mode::kTrace, Mode::kOff}
                                            : std::vector<Mode>{Mode::kOff, Mode::kTrace};
      for (Mode m : order) {
        RoundRecord r;
        r.index = index++;
        r.block = b;
        r.mode = m;
        r.throughput_rps = 40000 * (1 + noise(rng));
        r.target_cpu_us_per_request = 25.0 * (1 + noise(rng)) * (m == Mode::kOff && b % 2 ? carry_factor : 1.0);
        run.rounds.push_back(r);
      }
    }
    for (Mode m : run.config.modes) run.latency_by_mode[m] = std::make_shared<stats::Histogram>();
    return run;
  };
  const Analysis carried = analyse(make(1.3));
  ASSERT_FALSE(carried.carry_over.empty());
  const CarryOver* cpu = nullptr;
  for (const auto& c : carried.carry_over)
    if (c.metric == Metric::kTargetCpuPerRequest) cpu = &c;
  ASSERT_NE(cpu, nullptr);
  EXPECT_TRUE(cpu->significant);
  EXPECT_NEAR(cpu->change.delta_pct, 30.0, 3.0);
  EXPECT_EQ(cpu->change.n_treatment, 10u);  // after trace
  EXPECT_TRUE(has_warning(carried, "carry-over: off rounds right after a round with tracing on differ"));
  const Analysis clean = analyse(make(1.0));
  for (const auto& c : clean.carry_over) EXPECT_FALSE(c.significant) << metric_name(c.metric);
  EXPECT_FALSE(has_warning(clean, "carry-over"));
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
  // The run's own flag, which the result carries for the reports.
  ASSERT_TRUE(a.generator_core_share.has_value());
  EXPECT_NEAR(*a.generator_core_share, 0.8, 0.03);
  EXPECT_TRUE(a.generator_competes_for_cpu);

  for (auto& r : run.rounds) r.generator_cpu_us_per_request = 2.0;  // 8%
  const Analysis calm = analyse(run);
  EXPECT_FALSE(has_warning(calm, "load generator used"));
  EXPECT_FALSE(calm.generator_competes_for_cpu);
}

TEST(Analysis, TheEventMixIsSummedOverAModesCountedRounds) {
  RunResult run = synthetic_run(6, 0.0);
  for (auto& r : run.rounds) {
    if (r.mode != Mode::kTrace) continue;
    TraceFacts f;
    f.parse_mb_per_s = 400;
    f.categories = {{"scheduling", 10, 100}, {"gc_heap", 1, 20}};
    r.trace = f;
    if (r.block == 0) r.complete = false;  // a round cut short does not count
  }
  const Analysis a = analyse(run);
  for (const auto& s : a.modes) {
    if (s.mode != Mode::kTrace) {
      EXPECT_TRUE(s.event_mix.empty());
      continue;
    }
    const auto counted = static_cast<std::uint64_t>(s.rounds);
    EXPECT_EQ(counted, 5u);
    ASSERT_EQ(s.event_mix.size(), 2u);
    EXPECT_EQ(s.event_mix[0].name, "scheduling");
    EXPECT_EQ(s.event_mix[0].events, 10u * counted);
    EXPECT_EQ(s.event_mix[1].bytes, 20u * counted);
    ASSERT_TRUE(s.parse_mb_per_s.has_value());
    EXPECT_DOUBLE_EQ(s.parse_mb_per_s->estimate, 400.0);
  }
}

}  // namespace
}  // namespace tracebench::experiment
