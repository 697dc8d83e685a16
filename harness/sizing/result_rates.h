#pragma once
// What sizing reads from a run result (schema tracebench.run/v1, docs/run.md): the trace
// rate with its spread across rounds, parse speeds, and RSS per mode. Pure functions of
// the JSON; thread-safe.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sizing/flight_recorder_size.h"

namespace tracebench::sizing {

inline constexpr const char* kRunSchema = "tracebench.run/v1";

// "" when `result` is a tracebench.run/v1 document; else one line saying what it is
// instead ("not a JSON object", "no \"schema\" field: not a tracebench result",
// "schema \"tracebench.run/v2\" ... this tracebench reads tracebench.run/v1", or that it
// is a sweep result).
std::string check_run_result(const nlohmann::json& result);

// When no spread was measured (a rate given on the command line), sizes assume the rate
// may run this much higher; said so wherever it is used.
inline constexpr double kAssumedSpread = 1.25;

struct MeasuredRate {
  // "trace": the pprof captures (bytes over each capture's own span); "flightrecorder":
  // the run's snapshots, used when the run had no trace mode; "given": --bytes-per-sec.
  std::string source;
  double median_bytes_per_s = 0;
  std::optional<double> ci_low, ci_high;  // 95% CI of the median, when the result has one
  std::vector<double> round_bytes_per_s;  // complete rounds, in run order
  std::optional<double> events_per_s_median;
  RateBasis basis;
  std::string upper_basis;  // how basis.upper was chosen, in words
};

// The rate from the result's trace rounds (else its flight-recorder snapshots). nullopt
// with *why_missing set when neither has a usable rate. The upper rate is the highest
// complete round's (with fewer than 2 rounds: the CI high of the median, else the median
// × kAssumedSpread).
std::optional<MeasuredRate> measured_rate(const nlohmann::json& result, std::string* why_missing);

// A rate given by hand: no spread measured, so upper = rate × kAssumedSpread.
MeasuredRate given_rate(double bytes_per_s);

// The tracebench reader's parse speed recorded in the result (modes.trace.parse_mb_per_s,
// a median interval or a number), when present.
std::optional<double> result_parse_mb_per_s(const nlohmann::json& result);

// Paths of trace and snapshot files the result still names (run with --keep-traces), that
// exist on disk, largest first.
std::vector<std::string> kept_trace_files(const nlohmann::json& result);

// A number at a JSON pointer-like path when it is a number, else nullopt (null, missing,
// wrong type all give nullopt).
std::optional<double> number_at(const nlohmann::json& j, const std::vector<std::string>& path);

}  // namespace tracebench::sizing
