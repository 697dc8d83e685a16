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
};

struct ComparisonRow {
  Mode mode;  // against off
  Metric metric;
  stats::Change change;
  double p_adjusted = 1;
  bool significant = false;  // p_adjusted < alpha
};

struct Analysis {
  double alpha = 0.05;
  std::vector<ModeSummary> modes;
  std::vector<ComparisonRow> comparisons;
  std::vector<ComparisonRow> noise_floor;  // off (odd rounds) vs off (even rounds); mode = off
  std::vector<std::string> invalid_reasons;  // too few rounds, generator lag too high
};

Analysis analyse(const RunResult& run, double alpha = 0.05);

// The values of one metric over a mode's complete rounds, in run order.
std::vector<double> metric_samples(const RunResult& run, Mode mode, Metric m);

}  // namespace tracebench::experiment
