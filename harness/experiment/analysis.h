#pragma once
// The statistics of a run: per mode, the median and 95% CI of each metric over complete
// rounds; each mode against `off` (relative change with CI, Mann-Whitney p, Holm-adjusted
// across all comparisons); and the noise floor from splitting the `off` rounds in two.

#include <optional>
#include <string>
#include <vector>

#include "experiment/experiment.h"
#include "stats/comparison.h"

namespace tracebench::experiment {

enum class Metric { kThroughput, kLatencyP50, kLatencyP99, kLatencyP999, kTargetCpuPerRequest };
inline constexpr Metric kMetrics[] = {Metric::kThroughput, Metric::kLatencyP50, Metric::kLatencyP99,
                                      Metric::kLatencyP999, Metric::kTargetCpuPerRequest};

std::string_view metric_name(Metric m);  // "throughput_rps", "latency_p99_ns", ...
std::string_view metric_unit(Metric m);  // "req/s", "ns", "µs/req"
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
  std::vector<MetricSummary> metrics;
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
};

struct ComparisonRow {
  Mode mode;  // against off
  Metric metric;
  stats::Change change;
  double p_adjusted = 1;
  bool significant = false;  // p_adjusted < alpha
  double ci_coverage = 0;    // what the change interval really covers (hodges_lehmann_achieved_confidence)
};

struct Analysis {
  double alpha = 0.05;
  std::vector<ModeSummary> modes;
  std::vector<ComparisonRow> comparisons;
  std::vector<ComparisonRow> noise_floor;  // off (odd rounds) vs off (even rounds); mode = off
  std::vector<std::string> invalid_reasons;  // too few rounds, generator lag too high
  // Valid but to be read with care: intervals covering less than 95%, a noise floor too
  // small to ever flag anything, a generator using a large share of a core.
  std::vector<std::string> warnings;
};

// Above this share of one core (median round) the generator is said to compete with the
// target for CPU.
inline constexpr double kGeneratorCoreShareWarn = 0.5;

// The smallest two-sided Mann-Whitney p-value samples of these sizes can give (no ties):
// 2 / C(n_a + n_b, n_a), at most 1.
double min_mann_whitney_p(std::size_t n_a, std::size_t n_b);

Analysis analyse(const RunResult& run, double alpha = 0.05);

// The values of one metric over a mode's complete rounds, in run order.
std::vector<double> metric_samples(const RunResult& run, Mode mode, Metric m);

}  // namespace tracebench::experiment
