#pragma once
// What sizing reads from a run result (schema tracebench.run/v1, docs/run.md), through the
// typed reader (result/run_result.h): the trace rate with its spread across rounds and
// parse speeds. Pure; thread-safe.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "result/run_result.h"
#include "sizing/flight_recorder_size.h"

namespace tracebench::sizing {

// "" when `result` is a tracebench.run/v1 document the typed reader reads; else one line
// saying what it is instead ("not a JSON object", "no \"schema\" field: not a tracebench
// result", "schema \"tracebench.run/v2\" ... this tracebench reads tracebench.run/v1", that
// it is a sweep result, or the reader's error for a container of the wrong type).
// The functions below that take the JSON read it with result::read_run_result, so they
// expect a document this accepted (else they throw result::FormatError).
std::string check_run_result(const nlohmann::json& result);

// When no spread was measured (a rate given on the command line), sizes assume the rate
// may run this much higher; said so wherever it is used.
inline constexpr double kAssumedSpread = 1.25;

struct MeasuredRate {
  // "trace": the pprof captures (bytes over each capture's own span); "flightrecorder":
  // the run's flight-recorder snapshots; "given": --bytes-per-sec.
  std::string source;
  double median_bytes_per_s = 0;
  std::optional<double> ci_low, ci_high;  // 95% CI of the median, when the result has one
  std::vector<double> round_bytes_per_s;  // complete rounds, in run order
  std::optional<double> events_per_s_median;
  RateBasis basis;
  std::string upper_basis;  // how basis.upper was chosen, and from which rate, in words
  // The other source's rate when the result had both and this one was chosen over it
  // ("trace" when the flight recorder's was higher, and the reverse).
  std::optional<std::string> other_source;
  std::optional<double> other_median_bytes_per_s, other_upper_bytes_per_s;
};

// The rate to size the flight recorder from. A result may hold two: the pprof captures'
// (trace rounds) and the flight recorder's own (its snapshots, flightrecorder rounds). The
// recorder is what MaxBytes bounds, and on the demo it writes 1.6-1.8× the bytes per second
// of a capture of the same load (4.2 vs 2.4 MB/s), so when both are there the one with the
// higher upper rate is used and upper_basis says which (and other_* holds the other).
// nullopt with *why_missing set when neither has a usable rate. The upper rate is the
// highest complete round's (with fewer than 2 rounds: the CI high of the median, else the
// median × kAssumedSpread). Rates are checked with check_result_rates first: an
// implausible one gives nullopt with that message.
std::optional<MeasuredRate> measured_rate(const result::RunResultView& result, std::string* why_missing);
std::optional<MeasuredRate> measured_rate(const nlohmann::json& result, std::string* why_missing);

// "" when every trace rate the result holds (the modes' medians and CI bounds, each
// complete round's) is a number from 1 B/s to kMaxBytesPerSec; else one line naming the
// first that is not, where it is and what was expected.
std::string check_result_rates(const result::RunResultView& result);
std::string check_result_rates(const nlohmann::json& result);

// A rate given by hand: no spread measured, so upper = rate × kAssumedSpread.
MeasuredRate given_rate(double bytes_per_s);

// The tracebench reader's parse speed recorded in the result (modes.trace.parse_mb_per_s,
// a median interval or a number), when present.
std::optional<double> result_parse_mb_per_s(const result::RunResultView& result);
std::optional<double> result_parse_mb_per_s(const nlohmann::json& result);

// A number at a JSON pointer-like path when it is a number, else nullopt (null, missing,
// wrong type all give nullopt).
std::optional<double> number_at(const nlohmann::json& j, const std::vector<std::string>& path);

}  // namespace tracebench::sizing
