#pragma once
// `tracebench assert`: ceilings on a trace's shape, checked against a TraceSummary
// (trace/analyze.h): user-region durations, goroutine creations per second, trace bytes
// per second and events per second. Every assertion is evaluated and reported, so a CI
// log lists every violation with the value seen, not only the first.
//
// Rates are per second of the trace's own span (first to last timed event), as
// TraceSummary::bytes_per_second() and events_per_second() compute them.
//
// A limit is a ceiling: violated when the value seen is strictly greater.
//
// A region with no completed occurrence is a warning, or with strict_regions an input
// error (AssertReport::errors): the limit names something the trace does not hold, which
// is bad input (exit 1), not a value over a ceiling.
//
// Errors: split_region_spec throws GateInputError for a malformed NAME[:STAT]=DURATION.
// assert_trace does not throw. Thread safety: pure functions over values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trace/analyze.h"

namespace tracebench::gates {

// Which duration of a region's matched begin/end pairs a limit applies to.
enum class RegionStat : std::uint8_t { kMax, kP99, kP50 };
std::string_view region_stat_name(RegionStat s);  // "max", "p99", "p50"

// --max-region as written: NAME=DURATION or NAME:STAT=DURATION, STAT one of max (the
// default: every occurrence), p99, p50. The text splits at its last '=' (a duration never
// holds one), so a name may contain '='. A name that itself ends in ":max", ":p99" or
// ":p50" is written with an explicit statistic ("a:p99:max").
struct RegionSpec {
  std::string name;
  RegionStat stat = RegionStat::kMax;
  std::string duration_text;  // for the caller's duration parser
};
// Throws GateInputError naming the text: no '=', an empty name or duration, or a
// statistic that is not offered (":p95", ":min", ":mean", ...).
RegionSpec split_region_spec(std::string_view text);

struct RegionLimit {
  std::string name;
  RegionStat stat = RegionStat::kMax;
  std::int64_t max_ns = 0;
};

struct TraceLimits {
  std::vector<RegionLimit> regions;                  // in the order given
  std::optional<double> max_goroutine_creates_per_s;  // GoCreate* events per second of span
  std::optional<double> max_bytes_per_s;              // file bytes per second of span
  std::optional<double> max_events_per_s;             // timed events per second of span
  bool strict_regions = false;  // a region that never completes in the trace is an error
};

enum class Quantity : std::uint8_t { kDurationNs, kBytesPerSecond, kPerSecond };

struct AssertionResult {
  enum class Status : std::uint8_t {
    kOk,
    kOver,          // the value seen is above the limit
    kMissing,       // a region with no completed occurrence in the trace (never a violation)
    kUnmeasurable,  // a rate of a trace that spans no time (fewer than two timed events)
  };
  std::string subject;  // "region encode max", "goroutine creates/s", "bytes/s", "events/s"
  Quantity quantity = Quantity::kDurationNs;
  Status status = Status::kOk;
  double observed = 0;  // in the quantity's unit (ns, bytes/s, 1/s); 0 unless kOk or kOver
  double limit = 0;
  bool violation = false;  // kOver
  // Regions: the stats seen (count 0 when missing). Rates: count is the numerator.
  trace::DurationStats region;
  std::string note;  // one line of context in words ("" when none)
};

struct AssertReport {
  std::vector<AssertionResult> results;  // regions in order, then creates/s, bytes/s, events/s
  std::vector<std::string> warnings;     // missing regions (not strict), truncation, data loss
  // With strict_regions, one line per region that does not occur, naming it and the
  // regions the trace holds. Non-empty: the assertions cannot be judged as asked.
  std::vector<std::string> errors;
  double span_s = 0;

  std::size_t violations() const;
  bool unmeasurable() const;  // some rate could not be computed
};

AssertReport assert_trace(const trace::TraceSummary& summary, const TraceLimits& limits);

}  // namespace tracebench::gates
