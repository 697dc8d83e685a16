#pragma once
// The statistics of a run. The unit is the block (one round of each mode, in random order);
// only clean blocks count (every round complete, none disturbed). Per mode: the median and
// 95% CI of each metric over its clean rounds. Each mode against `off`: the change inside
// blocks (stats/paired.h: Hodges-Lehmann of the log ratios, signed-rank p, adjusted by one
// multiple test over all the run's comparisons, one-sided 95% bounds), with the old unpaired rank-sum figures
// beside it for comparison. The noise floor: an A/A inside the same design, `off` of each
// even block against `off` of the block after it.

#include <optional>
#include <string>
#include <vector>

#include "experiment/experiment.h"
#include "result/run_result.h"
#include "stats/comparison.h"
#include "stats/paired.h"

namespace tracebench::experiment {

enum class Metric {
  kThroughput,
  kLatencyP50,
  kLatencyP99,
  kLatencyP999,
  kTargetCpuPerRequest,
  // Where the target's CPU went and how its scheduler fared, from the agent (RuntimeFigures).
  kUserCpuPerRequest,
  kGcCpuPerRequest,
  kScavengeCpuPerRequest,
  kGcCyclesPer1kRequests,
  kSchedLatencyP50,
  kSchedLatencyP99,
};
// The overhead family: what a mode costs the service. The verdicts, the noise floor, the
// carry-over check and adaptive length read these.
inline constexpr Metric kMetrics[] = {Metric::kThroughput, Metric::kLatencyP50, Metric::kLatencyP99,
                                      Metric::kLatencyP999, Metric::kTargetCpuPerRequest};
// The breakdown family: where that cost went. Compared like the others, in the same multiple
// test as the overhead family, but tested only for a mode whose CPU per request was found
// changed (analysis.cpp, overhead_then_breakdown), so asking where the cost went neither
// weakens the tests of what it is nor adds chances to flag a run whose modes do not differ.
inline constexpr Metric kBreakdownMetrics[] = {Metric::kUserCpuPerRequest,     Metric::kGcCpuPerRequest,
                                               Metric::kScavengeCpuPerRequest, Metric::kGcCyclesPer1kRequests,
                                               Metric::kSchedLatencyP50,       Metric::kSchedLatencyP99};
// Both families, in that order: ModeSummary::metrics holds every overhead metric and the
// breakdown metrics that have values, in this order.
inline constexpr Metric kAllMetrics[] = {Metric::kThroughput,        Metric::kLatencyP50,
                                         Metric::kLatencyP99,        Metric::kLatencyP999,
                                         Metric::kTargetCpuPerRequest, Metric::kUserCpuPerRequest,
                                         Metric::kGcCpuPerRequest,   Metric::kScavengeCpuPerRequest,
                                         Metric::kGcCyclesPer1kRequests, Metric::kSchedLatencyP50,
                                         Metric::kSchedLatencyP99};
bool in_breakdown(Metric m);

std::string_view metric_name(Metric m);  // "throughput_rps", "latency_p99_ns", ...
std::string_view metric_unit(Metric m);  // "req/s", "ns", "µs/req", "/1k req"
bool higher_is_better(Metric m);

// The metric's value in a round; nullopt when the round does not have it (no target pid).
std::optional<double> metric_value(const RoundRecord& r, Metric m);

struct MetricSummary {
  Metric metric;
  stats::Interval median;  // n = 0 when no round had the metric
  double ci_coverage = 0;  // what the interval really covers (median_ci_achieved_confidence)
};

struct ModeSummary {
  Mode mode;
  int rounds = 0;  // complete rounds
  std::vector<MetricSummary> metrics;  // see kAllMetrics
  // The summary of `m`, or nullptr when the mode has none (a breakdown metric not measured).
  const MetricSummary* metric(Metric m) const;
  // Bytes and events per second of the trace's own span (first to last event), one value per
  // complete round: trace from its capture, flightrecorder from its snapshot (the window the
  // snapshot holds). Absent when no round's file could be timed.
  std::optional<stats::Interval> trace_bytes_per_s;
  std::optional<stats::Interval> trace_events_per_s;
  std::optional<stats::Interval> trace_bytes;
  std::optional<stats::Interval> fr_window_s;         // flightrecorder: span a snapshot holds
  // Resources per complete round, beside the compared metrics: the target's RSS at the
  // window's end (absent without a target pid) and tracebench's own CPU per request.
  std::optional<stats::Interval> target_rss_bytes;
  std::optional<stats::Interval> generator_cpu_us_per_request;
  // The generator's CPU as a share of one core (CPU s / measured s), median round.
  std::optional<double> generator_core_share;
  // The event mix of the mode's traces (or snapshots) summed over its counted rounds, by
  // category name; empty when no file could be parsed. And the reader's speed on them.
  std::vector<TraceFacts::CategoryCounts> event_mix;
  std::optional<stats::Interval> parse_mb_per_s;
};

struct ComparisonRow {
  Mode mode;  // against off
  Metric metric;
  // Within blocks: delta and 95% CI of the change in %, signed-rank p; n_base and
  // n_treatment are both the number of block pairs. Adjusted for the machine's speed (the
  // CPU speed probe of each round, stats::paired_relative_change_adjusted) when every pair
  // has the probe, there are at least 4 pairs and not all of them tie; speed_slope says so.
  stats::Change change;
  // One-sided 95% bounds on the change: it is above bound_low_pct and below bound_high_pct,
  // each with 95% confidence. The cost bound is bound_high_pct for a metric where higher is
  // worse, bound_low_pct (a drop) for throughput.
  double bound_low_pct = 0;
  double bound_high_pct = 0;
  double p_adjusted = 1;
  bool significant = false;  // p_adjusted < alpha
  double ci_coverage = 0;    // what the change interval really covers
  // The slope of the speed adjustment (the metric's log ratio per unit of the probe's,
  // fitted on all pairs; each pair's own residual uses the other pairs' slope); nullopt when
  // the comparison is not adjusted (a pair without the probe, fewer than 4 pairs, or all tie).
  std::optional<double> speed_slope;
  // The same blocked comparison without the speed adjustment, as earlier versions reported
  // it; set when the comparison is adjusted. Kept for comparison, never used for verdicts.
  std::optional<stats::PairedChange> unadjusted;
  // The half-width the interval would have with the blocks' signs drawn at random
  // (stats::sign_blind_half_width_pct of the same log ratios or residuals): what adaptive
  // length stops on, beside the interval itself, so that it cannot stop when the signs line up.
  double sign_blind_half_width_pct = 0;
  // The same comparison ignoring the blocks (Mann-Whitney, Hodges-Lehmann over all clean
  // rounds), as earlier versions reported it: kept for comparison, never used for verdicts.
  stats::Change unpaired;
};

// The speed reference checked against the mode: the CPU speed probe's own change, mode
// against off inside blocks. The adjustment assumes the mode does not move the probe; a
// significant change here (Holm across modes) says it did, and the adjusted figures may
// carry a bias of about speed_slope times this change.
struct SpeedReferenceCheck {
  Mode mode;
  stats::PairedChange change;
  double p_adjusted = 1;
  bool significant = false;
};

// Whether an `off` round that follows a round with tracing on differs from one that does
// not: the carry-over of the tracer's heap and buffers into the next round, which the
// settle time is meant to absorb. Unpaired change (after tracing vs after off), per metric.
struct CarryOver {
  Metric metric;
  stats::Change change;
  bool significant = false;  // Holm over the metrics, alpha
};

struct Analysis {
  double alpha = 0.05;
  std::vector<ModeSummary> modes;
  std::vector<ComparisonRow> comparisons;  // the overhead family, then the breakdown family
  std::vector<ComparisonRow> noise_floor;  // off of block 2k+1 vs off of block 2k; mode = off
  std::vector<CarryOver> carry_over;        // empty when either side has fewer than 3 rounds
  std::vector<SpeedReferenceCheck> speed_reference;  // one per mode against off with the probe
  int clean_blocks = 0;
  int dropped_blocks = 0;
  std::vector<std::string> invalid_reasons;  // too few clean blocks
  // The generator's CPU as a share of one core over every mode's counted rounds (median
  // round), and whether it competes with the target: some mode's share is above
  // kGeneratorCoreShareWarn (each such mode has its line in warnings). Reports read these
  // from the result ("generator") instead of judging the rounds again.
  std::optional<double> generator_core_share;
  bool generator_competes_for_cpu = false;
  // Valid but to be read with care: intervals covering less than 95%, a noise floor too
  // small to ever flag anything, a generator using a large share of a core.
  std::vector<std::string> warnings;
};

// Above this share of one core (median round) the generator is said to compete with the
// target for CPU (defined with the result model, which derives the flag for older results).
using result::kGeneratorCoreShareWarn;

Analysis analyse(const RunResult& run, double alpha = 0.05);

// Whether a round counts: complete and its block not dropped.
bool counts(const RoundRecord& r);

// The values of one metric over a mode's counted rounds, in run order.
std::vector<double> metric_samples(const RunResult& run, Mode mode, Metric m);

// The metrics adaptive length watches: throughput and target CPU per request.
bool watched_for_precision(Metric m);
// The widest half-width, in percentage points, of the 95% intervals of the watched
// comparisons (every mode against off); nullopt when one has no interval yet.
std::optional<double> widest_half_width_pct(const Analysis& a);
// The same over the watched comparisons' sign-blind half-widths.
std::optional<double> widest_sign_blind_half_width_pct(const Analysis& a);
// Whether adaptive length may stop: every watched comparison has its interval and its
// sign-blind half-width within ±goal_pct (docs/statistics.md, "Adaptive length").
bool precision_goal_met(const Analysis& a, double goal_pct);

// About how many clean blocks in all would bring a comparison's half-width down to
// `wanted_half_width_pct`, from n blocks at `half_width_pct`, taking the width to shrink as
// 1/sqrt(n); nullopt when either width is not positive.
std::optional<int> blocks_for_half_width(int n, double half_width_pct, double wanted_half_width_pct);

}  // namespace tracebench::experiment
