#pragma once
// The typed reader of a run result's "recommendations" (written by sizing/recommend.cpp) and
// "verification" (written by experiment/verify_window.cpp), docs/run.md and docs/sizing.md.
//
// Read without refusing anything: a key that is absent, null or of another type reads as not
// there, and an element of a list that is not an object reads as all absent, so a report
// renders whatever part of them exists. Texts a user falls back on when they are missing are
// optional (an empty string is kept as written). The views own their data. Pure; never throw.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "result/verdicts.h"

namespace tracebench::result {

// recommendations.rate: the trace rate sizing used.
struct SizingRateView {
  std::optional<double> median_bytes_per_s, upper_bytes_per_s, rounds, events_per_s;
  std::optional<std::string> source, upper_basis;  // "trace" / "flightrecorder"; what the upper rate is
};

// recommendations.flight_recorder[] (and a sweep's prediction.flight_recorder[]): one window's size.
struct FlightRecorderSizeView {
  std::optional<double> window_s, min_age_s, max_bytes, headroom, window_at_median_s, expected_live_bytes,
      expected_rss_high_bytes;
  std::optional<std::string> max_bytes_text;  // "12 MiB"
  // The size in Go code (runtime/trace, golang.org/x/exp/trace) and as the agent's query; "" when absent.
  std::string go_runtime_trace, go_x_exp, agent_start;
};

// capture_windows[].open[]: how long a tool takes to open that file.
struct OpenTimeView {
  std::string tool;
  std::optional<double> expected_seconds;
  bool extrapolated = false;  // from a smaller file
};

// recommendations.capture_windows[] (and a sweep's prediction.capture_windows[]).
struct CaptureWindowView {
  std::optional<double> seconds, budget_bytes, expected_bytes, upper_bytes;
  std::optional<std::string> query;  // "GET /debug/pprof/trace?seconds=4"
  std::vector<OpenTimeView> open;
};

// recommendations.parse_speeds[]: a trace reader's speed.
struct ParseSpeedView {
  std::optional<std::string> tool;
  std::optional<double> mb_per_s;
  std::optional<double> file_bytes, seconds;  // the file it was timed on, and how long it took
  std::optional<std::string> basis;           // where the speed comes from
};

// recommendations.memory.measured: the flight recorder's memory as the run saw it.
struct MeasuredMemoryView {
  std::optional<double> flightrecorder_rss_median_bytes, off_rss_median_bytes, delta_bytes, round_held_s;
};

struct MemoryView {
  std::string formula;  // "" when absent
  std::optional<MeasuredMemoryView> measured;
  std::vector<std::string> notes;
};

// recommendations.overhead.modes[].metrics[]: one metric against the budget.
struct BudgetMetricView {
  std::string metric;
  bool judged = false;  // counts toward the mode's verdict
  std::optional<std::string> verdict_text;  // as written, when a string
  std::optional<BudgetVerdict> verdict;     // nullopt when null (no budget) or another word
  std::optional<double> cost_pct, cost_low_pct, cost_high_pct, noise_floor_pct;
};

// recommendations.overhead.modes[]: a mode against the budget.
struct BudgetModeView {
  std::string mode;
  std::optional<std::string> verdict_text;
  std::optional<BudgetVerdict> verdict;
  std::vector<BudgetMetricView> metrics;
};

// recommendations.overhead: the costs against --budget.
struct OverheadBudgetView {
  std::optional<double> budget_pct;  // nullopt when no budget was given
  std::vector<BudgetModeView> modes;
  std::vector<std::string> notes;
};

struct RecommendationsView {
  std::optional<SizingRateView> rate;
  std::vector<FlightRecorderSizeView> flight_recorder;
  std::vector<CaptureWindowView> capture_windows;
  std::vector<ParseSpeedView> parse_speeds;
  std::optional<MemoryView> memory;
  std::string headroom_rule;  // headroom.rule, "" when absent
  std::optional<OverheadBudgetView> overhead;
  std::vector<std::string> missing, notes, warnings;  // the string lines only
  // Why there are no sizes (sizes_missing, or the matching line of "missing" in older results).
  std::vector<std::string> sizes_missing;
};

// verification.attempts[]: one flight-recorder size tried under load.
struct VerificationAttemptView {
  std::optional<double> attempt, min_age_s, max_bytes, filled_s, achieved_window_s, snapshot_bytes, generations,
      snapshot_bytes_per_s, rss_growth_bytes, expected_live_bytes, expected_rss_high_bytes;
  bool reached = false;                 // the snapshot held the wanted window
  bool basis_exceeded = false;          // the snapshot's rate is above the rate the size rests on
  bool rss_exceeded = false;            // the target's RSS grew beyond expected_rss_high_bytes
  std::string error;                    // "" when the attempt ran
  std::optional<std::string> bound_text;  // what ended the window
};

struct VerificationView {
  std::optional<std::string> status_text;  // as written, when a string
  std::optional<VerificationStatus> status;
  std::optional<double> window_s, min_age_s, final_max_bytes, achieved_window_s;
  std::optional<double> upper_bytes_per_s;  // the rate the size rests on
  std::optional<std::string> reason;
  std::vector<VerificationAttemptView> attempts;
  std::string go_runtime_trace;  // the verified size in Go code, "" when absent
};

FlightRecorderSizeView read_flight_recorder_size(const nlohmann::json& size);
CaptureWindowView read_capture_window(const nlohmann::json& window);

// The "recommendations" object; nullopt when it is absent, not an object or empty (sizing
// did not run).
std::optional<RecommendationsView> read_recommendations(const nlohmann::json& run_document);
// The recommendations object itself, as sizing::recommend returns it (or `size --json`
// writes it); anything but an object reads as all absent.
RecommendationsView read_recommendations_object(const nlohmann::json& recommendations);
// The "verification" object; nullopt when it is absent, not an object or empty (no window
// was verified).
std::optional<VerificationView> read_verification(const nlohmann::json& run_document);

}  // namespace tracebench::result
