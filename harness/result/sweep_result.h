#pragma once
// The typed reader of the sweep result's levels (schema tracebench.sweep/v1, docs/sizing.md):
// the one place that knows where a level's status, load, trace rate, medians and comparisons
// sit in sweep.json. sizing/sweep.cpp writes a level (summarize_level) and fits the model
// from what this reads; the runner, `sweep` and the reports take a level's status from here.
//
// A level must be an object; "modes" an object of objects; "comparisons" an array of
// objects; "invalid_reasons" and "warnings" arrays. Otherwise FormatError, one line naming
// the key. Leaves are read tolerantly, as in run_result.h. The view owns its data. Pure.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "result/run_result.h"

namespace tracebench::result {

// What became of a level. In sweep.json: "measured", "not_reached", "failed", "not_run".
enum class LevelStatus {
  kMeasured,    // its run finished and reached the load: fitted
  kNotReached,  // the target did not answer the rate asked (or no off throughput)
  kFailed,      // the run failed or stopped early, or its result could not be read
  kNotRun,      // an earlier level stopped the sweep
  kUnknown,     // absent or another word (a hand-made document)
};
std::string_view to_string(LevelStatus status);  // "unknown" for kUnknown
// The status a level object holds (kUnknown when "status" is absent or another word).
LevelStatus level_status(const nlohmann::json& level);

// levels[].trace_bytes_per_s: the level's trace rate, from the source sizing chose.
struct LevelTraceRate {
  std::string source;  // "trace" or "flightrecorder"
  std::optional<double> median, ci_low, ci_high, n, upper;
};

// levels[].modes.<mode>: the mode's medians.
struct LevelModeView {
  std::string name;
  std::optional<double> throughput_rps, latency_p50_ns, latency_p99_ns, latency_p999_ns, target_cpu_us_per_request;
  std::optional<double> rounds;
};

// levels[].comparisons[]: a mode against off on one metric, in %.
struct LevelComparisonView {
  std::string mode, metric;
  std::optional<double> delta_pct, ci_low_pct, ci_high_pct;
  bool significant = false;
};

struct SweepLevelView {
  std::optional<double> index, level;
  std::string axis;  // "rate_rps" or "connections"
  LevelStatus status = LevelStatus::kUnknown;
  std::string reason;
  std::vector<std::string> invalid_reasons, warnings;
  std::vector<LevelModeView> modes;  // in the document's key order
  std::vector<LevelComparisonView> comparisons;
  std::optional<LevelTraceRate> trace_bytes_per_s;
  // The throughput the trace rate was measured at: that source mode's median.
  std::optional<double> trace_throughput_rps, trace_events_per_s;

  const LevelModeView* mode(std::string_view name) const;  // or nullptr
};

// Why the sweep's model (the "model" object) has no bytes/s line, in words: its
// bytes_per_s_missing; empty when the line is there or the model does not say. A sweep
// written before that key said it only among the model's notes, as the lines that begin
// "no bytes/s model": those are read instead.
std::vector<std::string> bytes_model_missing(const nlohmann::json& model);

// One levels[] entry. Throws FormatError (see above).
SweepLevelView read_sweep_level(const nlohmann::json& level);
// The levels[] array, in its order. Throws FormatError when it is not an array of objects.
std::vector<SweepLevelView> read_sweep_levels(const nlohmann::json& levels);

}  // namespace tracebench::result
