#include "sizing/flight_recorder_size.h"

#include <fmt/core.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "units/duration_text.h"
#include "units/size_text.h"
#include "units/whole_number.h"

namespace tracebench::sizing {

using units::binary_size_text;
using units::go_duration_text;

std::uint64_t friendly_size_up(double bytes) {
  if (!std::isfinite(bytes) || bytes < 0 || bytes > static_cast<double>(kMaxFriendlySize))
    throw std::out_of_range(fmt::format("size {:g} bytes is out of range: expected 0 to {:g} bytes", bytes,
                                        static_cast<double>(kMaxFriendlySize)));
  if (bytes <= static_cast<double>(kMinMaxBytes)) return kMinMaxBytes;
  // Steps of a quarter octave: 4, 5, 6, 7 × 2^(k-2). The loop ends by 2^62 (7 << 60 is the
  // last step, and bytes is at most that), so base never overflows.
  for (std::uint64_t base = kMinMaxBytes; base <= (1ull << 62); base *= 2) {
    for (std::uint64_t quarters : {4u, 5u, 6u, 7u}) {
      const std::uint64_t candidate = base / 4 * quarters;
      if (static_cast<double>(candidate) >= bytes) return candidate;
    }
  }
  return kMaxFriendlySize;  // not reached: bytes <= kMaxFriendlySize
}

std::uint64_t expected_live_bytes(std::uint64_t max_bytes, double upper_bytes_per_s) {
  const double generation_s = static_cast<double>(kGenerationNs) / 1e9;
  const std::uint64_t growth = units::uint64_saturated(std::ceil(2 * upper_bytes_per_s * generation_s));
  return growth > std::numeric_limits<std::uint64_t>::max() - max_bytes ? std::numeric_limits<std::uint64_t>::max()
                                                                       : max_bytes + growth;
}

namespace {

void check_rate(double bytes_per_s) {
  if (!(bytes_per_s >= 0 && bytes_per_s <= kMaxSizableBytesPerSec))
    throw std::out_of_range(fmt::format("trace rate {:g} B/s is out of range for the sizing arithmetic: expected 0 "
                                        "to {:g} B/s",
                                        bytes_per_s, kMaxSizableBytesPerSec));
}

}  // namespace

FlightRecorderSize size_flight_recorder(const RateBasis& rate, std::int64_t window_ns) {
  assert(window_ns > 0 && rate.median_bytes_per_s > 0 && rate.upper_bytes_per_s >= rate.median_bytes_per_s);
  check_rate(rate.upper_bytes_per_s);
  if (window_ns > 3'600'000'000'000)
    throw std::out_of_range(fmt::format("window {} ns is out of range: expected 1s to 1h", window_ns));
  FlightRecorderSize s;
  s.window_ns = window_ns;
  s.min_age_ns = 2 * window_ns;
  const double window_s = static_cast<double>(window_ns) / 1e9;
  const double generation_s = static_cast<double>(kGenerationNs) / 1e9;
  s.exact_bytes = rate.upper_bytes_per_s * (window_s + generation_s);
  s.max_bytes = friendly_size_up(s.exact_bytes);
  s.headroom = static_cast<double>(s.max_bytes) / (rate.median_bytes_per_s * window_s);
  s.window_at_median_s =
      std::min(static_cast<double>(s.max_bytes) / rate.median_bytes_per_s, static_cast<double>(s.min_age_ns) / 1e9);
  s.expected_live_bytes = expected_live_bytes(s.max_bytes, rate.upper_bytes_per_s);
  s.expected_rss_high_bytes = 2 * s.expected_live_bytes;
  return s;
}

FlightRecorderSize restate_for_rate(const RateBasis& basis, double rate_seen_bytes_per_s, std::int64_t window_ns) {
  return size_flight_recorder({rate_seen_bytes_per_s, rate_seen_bytes_per_s * basis.spread_factor()}, window_ns);
}

std::uint64_t next_max_bytes_after_short(std::int64_t window_ns, std::uint64_t max_bytes, double achieved_s,
                                         double rate_bytes_per_s) {
  check_rate(rate_bytes_per_s);
  const double window_s = static_cast<double>(window_ns) / 1e9;
  const double generation_s = static_cast<double>(kGenerationNs) / 1e9;
  // The snapshot's own rate already covers what the run's rounds missed (it is the rate at
  // which this size fell short), so the same rule as size_flight_recorder applies to it.
  const double from_rate = achieved_s > 0 && rate_bytes_per_s > 0 ? rate_bytes_per_s * (window_s + generation_s)
                                                                  : 2.0 * static_cast<double>(max_bytes);
  return friendly_size_up(std::max(from_rate, 1.25 * static_cast<double>(max_bytes)));
}

std::string go_duration_expr(std::int64_t ns) {
  if (ns % 3'600'000'000'000 == 0) return fmt::format("{} * time.Hour", ns / 3'600'000'000'000);
  if (ns % 60'000'000'000 == 0 && ns >= 120'000'000'000) return fmt::format("{} * time.Minute", ns / 60'000'000'000);
  if (ns % 1'000'000'000 == 0) return fmt::format("{} * time.Second", ns / 1'000'000'000);
  if (ns % 1'000'000 == 0) return fmt::format("{} * time.Millisecond", ns / 1'000'000);
  if (ns % 1'000 == 0) return fmt::format("{} * time.Microsecond", ns / 1'000);
  return fmt::format("{} * time.Nanosecond", ns);
}

std::string go_size_expr(std::uint64_t bytes) {
  if (bytes >= (1u << 30) && bytes % (1u << 30) == 0) return fmt::format("{} << 30", bytes >> 30);
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return fmt::format("{} << 20", bytes >> 20);
  if (bytes >= (1u << 10) && bytes % (1u << 10) == 0) return fmt::format("{} << 10", bytes >> 10);
  return fmt::format("{}", bytes);
}

namespace {

// The agent's size syntax (docs/agent.md): an integer in the largest exact binary unit.
std::string agent_size(std::uint64_t bytes) {
  if (bytes % (1u << 30) == 0) return fmt::format("{}GiB", bytes >> 30);
  if (bytes % (1u << 20) == 0) return fmt::format("{}MiB", bytes >> 20);
  if (bytes % (1u << 10) == 0) return fmt::format("{}KiB", bytes >> 10);
  return fmt::format("{}", bytes);
}

}  // namespace

std::string go_runtime_trace_snippet(const FlightRecorderSize& s, const std::string& comment) {
  return fmt::format(
      "// {}\n"
      "// runtime/trace, Go 1.25+\n"
      "fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{{\n"
      "\tMinAge:   {},\n"
      "\tMaxBytes: {}, // {}\n"
      "}})\n"
      "if err := fr.Start(); err != nil {{\n"
      "\tlog.Fatal(err)\n"
      "}}\n",
      comment, go_duration_expr(s.min_age_ns), go_size_expr(s.max_bytes), binary_size_text(s.max_bytes));
}

std::string go_x_exp_snippet(const FlightRecorderSize& s, const std::string& comment) {
  return fmt::format(
      "// {}\n"
      "// golang.org/x/exp/trace, Go 1.22-1.24 (built on trace.Start: no other trace may run beside it)\n"
      "fr := trace.NewFlightRecorder()\n"
      "fr.SetPeriod({})\n"
      "fr.SetSize({}) // {}\n"
      "if err := fr.Start(); err != nil {{\n"
      "\tlog.Fatal(err)\n"
      "}}\n",
      comment, go_duration_expr(s.min_age_ns), go_size_expr(s.max_bytes), binary_size_text(s.max_bytes));
}

std::string agent_start_query(const FlightRecorderSize& s) {
  return fmt::format("start?min_age={}&max_bytes={}", go_duration_text(s.min_age_ns), agent_size(s.max_bytes));
}

CaptureWindow capture_window_for_budget(const RateBasis& rate, std::uint64_t budget_bytes) {
  assert(budget_bytes > 0 && rate.upper_bytes_per_s > 0);
  CaptureWindow w;
  w.budget_bytes = budget_bytes;
  const double s = static_cast<double>(budget_bytes) / rate.upper_bytes_per_s;
  // Round down, so the file stays under the budget at the upper rate. The small epsilon
  // keeps an exact 20.0 from becoming 19.
  w.seconds = s >= 2.0 ? std::floor(s + 1e-9) : std::floor(s * 10.0 + 1e-9) / 10.0;
  w.expected_bytes = w.seconds * rate.median_bytes_per_s;
  w.upper_bytes = w.seconds * rate.upper_bytes_per_s;
  return w;
}

}  // namespace tracebench::sizing
