#pragma once
// The typed reader of the sweep result (schema tracebench.sweep/v1, docs/sizing.md): the one
// place that knows where a level's status, load, trace rate, medians and comparisons, the
// model and its prediction sit in sweep.json. sizing/sweep.cpp writes a level
// (summarize_level) and fits the model from what read_sweep_levels reads; the runner,
// `sweep` and the reports take a level's status from here; the reports read the whole
// document through read_sweep.
//
// read_sweep_level(s): a level must be an object; "modes" an object of objects;
// "comparisons" an array of objects; "invalid_reasons" and "warnings" arrays. Otherwise
// FormatError, one line naming the key. read_sweep refuses nothing (a container of another
// type reads as absent or empty), so a report renders whatever part of a sweep exists.
// Leaves are read tolerantly, as in run_result.h. The views own their data. Pure.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "result/document_context.h"
#include "result/recommendations.h"
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
  std::optional<std::string> source;  // "trace" or "flightrecorder"; nullopt when not a string
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
  std::optional<std::string> status_text;  // as written, nullopt when not a string
  std::optional<std::string> reason;       // why the level ended as it did; nullopt when not a string
  // The run marked the level invalid (its invalid_reasons hold anything), and the reasons
  // and warnings in words (their string lines).
  bool marked_invalid = false;
  std::vector<std::string> invalid_reasons, warnings;
  std::vector<LevelModeView> modes;  // in the document's key order
  std::vector<LevelComparisonView> comparisons;
  std::optional<LevelTraceRate> trace_bytes_per_s;
  // The throughput the trace rate was measured at: that source mode's median.
  std::optional<double> trace_throughput_rps, trace_events_per_s;
  Interval off_throughput_rps;  // throughput_rps.off: off's median with its CI
  std::optional<double> fr_window_s, errors;
  // The CPU of tracebench and of the target as a share of one CPU, median over rounds; the
  // keys are written (null when not measured) by a sweep new enough to have them.
  std::optional<double> generator_cpu_share, target_cpu_share;
  bool cpu_shares_written = false;
  std::string result;  // the level's result.json beside sweep.json, "" when there is none

  const LevelModeView* mode(std::string_view name) const;  // or nullptr
};

// Why the sweep's model (the "model" object) has no bytes/s line, in words: its
// bytes_per_s_missing; empty when the line is there or the model does not say. A sweep
// written before that key said it only among the model's notes, as the lines that begin
// "no bytes/s model": those are read instead.
std::vector<std::string> bytes_model_missing(const nlohmann::json& model);

// A least-squares line: model.bytes_per_s, model.events_per_s, model.overhead[].
struct FitView {
  std::optional<double> intercept, slope, x_min, x_max, r2, n, intercept_se, slope_se, residual_se, spread_factor;
};

// model.overhead[]: a mode's change against off on a metric, fitted against load.
struct OverheadFitView {
  std::string mode, metric;
  std::string error;  // why it was not fitted, "" when it was
  FitView fit;
};

// An estimate at the production rate with its 95% prediction interval.
struct PredictedView {
  std::optional<double> estimate, pi_low, pi_high;
};

// model.prediction.overhead[].
struct OverheadPredictionView {
  std::string mode, metric;
  PredictedView change_pct;
  bool extrapolated = false;
};

// model.prediction: what the model says at --production-rate.
struct PredictionView {
  std::optional<double> production_rate_rps;
  bool extrapolated = false;
  std::string extrapolation;  // why it is extrapolated, "" when it is not
  std::optional<PredictedView> bytes_per_s;
  std::vector<FlightRecorderSizeView> flight_recorder;
  std::vector<CaptureWindowView> capture_windows;
  std::vector<OverheadPredictionView> overhead;
  std::vector<std::string> notes;
};

struct SweepModelView {
  std::optional<FitView> bytes_per_s, events_per_s;
  std::vector<OverheadFitView> overhead;
  std::vector<std::string> notes;
  std::size_t levels_fitted = 0;
  std::vector<std::string> bytes_per_s_missing;  // bytes_model_missing
  std::optional<PredictionView> prediction;
};

// config: the settings of the sweep the reports show.
struct SweepConfigView {
  std::string axis;  // "rate_rps" or "connections"; "" when absent
  std::optional<std::string> method, path, target;
  std::optional<double> connections, rounds_per_mode, phase_s, production_rate_rps;
};

struct SweepView {
  bool complete = true;  // "complete" is false: the sweep stopped early
  std::optional<std::string> stop_reason;
  std::vector<std::string> warnings;  // the string lines
  SweepConfigView config;
  DocumentContext host_and_config;
  std::vector<SweepLevelView> levels;  // the object entries of levels[], in the document's order
  std::optional<SweepModelView> model;  // nullopt when "model" is null or absent
};

// The whole sweep document. Never throws (see above).
SweepView read_sweep(const nlohmann::json& sweep);

// One levels[] entry. Throws FormatError (see above).
SweepLevelView read_sweep_level(const nlohmann::json& level);
// The levels[] array, in its order. Throws FormatError when it is not an array of objects.
std::vector<SweepLevelView> read_sweep_levels(const nlohmann::json& levels);

}  // namespace tracebench::result
