#include "gates/trace_assertions.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>

#include "gates/errors.h"

namespace tracebench::gates {
namespace {

namespace tr = tracebench::trace;

// A suffix that reads like a statistic: "max", "min", "mean", "avg", "median", "pNN[.N]".
bool looks_like_stat(std::string_view s) {
  if (s == "max" || s == "min" || s == "mean" || s == "avg" || s == "median") return true;
  if (s.size() < 2 || s[0] != 'p') return false;
  return std::all_of(s.begin() + 1, s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
}

std::int64_t region_value(const tr::DurationStats& d, RegionStat stat) {
  switch (stat) {
    case RegionStat::kMax: return d.max_ns;
    case RegionStat::kP99: return d.p99_ns;
    case RegionStat::kP50: return d.p50_ns;
  }
  return d.max_ns;
}

std::string names_seen(const tr::TraceSummary& s) {
  if (s.regions.empty()) return "the trace has no user regions";
  std::string out = "regions in the trace: ";
  const std::size_t shown = std::min<std::size_t>(s.regions.size(), 20);
  for (std::size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + s.regions[i].name;
  if (shown < s.regions.size()) out += fmt::format(" and {} more", s.regions.size() - shown);
  return out;
}

// observed: the rate as the trace reader computes it (count per second of span).
AssertionResult rate(std::string subject, Quantity q, double limit, std::uint64_t count, double observed,
                     double span_s) {
  AssertionResult r;
  r.subject = std::move(subject);
  r.quantity = q;
  r.limit = limit;
  r.region.count = count;
  if (span_s <= 0) {
    r.status = AssertionResult::Status::kUnmeasurable;
    r.note = "the trace spans no time (fewer than two timed events): no rate";
    return r;
  }
  r.observed = observed;
  if (r.observed > limit) {
    r.status = AssertionResult::Status::kOver;
    r.violation = true;
  }
  return r;
}

}  // namespace

std::string_view region_stat_name(RegionStat s) {
  switch (s) {
    case RegionStat::kMax: return "max";
    case RegionStat::kP99: return "p99";
    case RegionStat::kP50: return "p50";
  }
  return "?";
}

RegionSpec split_region_spec(std::string_view text) {
  const auto eq = text.rfind('=');
  if (eq == std::string_view::npos)
    throw GateInputError(fmt::format("bad region limit '{}': expected NAME=DURATION or NAME:STAT=DURATION "
                                     "(STAT max, p99 or p50), e.g. encode=250us or encode:p99=300us",
                                     text));
  RegionSpec spec;
  std::string_view name = text.substr(0, eq);
  spec.duration_text = std::string(text.substr(eq + 1));
  if (spec.duration_text.empty())
    throw GateInputError(fmt::format("bad region limit '{}': no duration after '=', e.g. encode=250us", text));
  if (const auto colon = name.rfind(':'); colon != std::string_view::npos) {
    const std::string_view stat = name.substr(colon + 1);
    bool known = true;
    if (stat == "max") spec.stat = RegionStat::kMax;
    else if (stat == "p99") spec.stat = RegionStat::kP99;
    else if (stat == "p50") spec.stat = RegionStat::kP50;
    else known = false;
    if (known) {
      name = name.substr(0, colon);
    } else if (looks_like_stat(stat)) {
      throw GateInputError(fmt::format("bad region limit '{}': statistic '{}' is not offered; expected max, p99 "
                                       "or p50",
                                       text, stat));
    }
  }
  if (name.empty())
    throw GateInputError(fmt::format("bad region limit '{}': no region name before '=', e.g. encode=250us", text));
  spec.name = std::string(name);
  return spec;
}

std::size_t AssertReport::violations() const {
  return static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [](const AssertionResult& r) { return r.violation; }));
}

bool AssertReport::unmeasurable() const {
  return std::any_of(results.begin(), results.end(), [](const AssertionResult& r) {
    return r.status == AssertionResult::Status::kUnmeasurable;
  });
}

AssertReport assert_trace(const tr::TraceSummary& s, const TraceLimits& limits) {
  AssertReport report;
  report.span_s = static_cast<double>(s.span_ns) / 1e9;

  for (const RegionLimit& limit : limits.regions) {
    AssertionResult r;
    r.subject = fmt::format("region {} {}", limit.name, region_stat_name(limit.stat));
    r.quantity = Quantity::kDurationNs;
    r.limit = static_cast<double>(limit.max_ns);
    auto it = std::find_if(s.regions.begin(), s.regions.end(),
                           [&](const tr::DurationStats& d) { return d.name == limit.name; });
    if (it != s.regions.end()) r.region = *it;
    r.region.name = limit.name;
    if (r.region.count == 0) {
      r.status = AssertionResult::Status::kMissing;
      r.note = r.region.begun > 0
                   ? fmt::format("region '{}' began {} times but never ended within the trace ({})", limit.name,
                                 r.region.begun, names_seen(s))
                   : fmt::format("region '{}' does not occur in the trace ({})", limit.name, names_seen(s));
      if (limits.strict_regions)
        report.errors.push_back("--strict-regions: " + r.note);
      else
        report.warnings.push_back(r.note + "; --strict-regions makes this an error");
    } else {
      r.observed = static_cast<double>(region_value(r.region, limit.stat));
      if (region_value(r.region, limit.stat) > limit.max_ns) {
        r.status = AssertionResult::Status::kOver;
        r.violation = true;
      }
    }
    report.results.push_back(std::move(r));
  }
  if (limits.max_goroutine_creates_per_s)
    report.results.push_back(rate("goroutine creates/s", Quantity::kPerSecond, *limits.max_goroutine_creates_per_s,
                                  s.goroutines.created,
                                  static_cast<double>(s.goroutines.created) / std::max(report.span_s, 1e-300),
                                  report.span_s));
  if (limits.max_bytes_per_s)
    report.results.push_back(
        rate("bytes/s", Quantity::kBytesPerSecond, *limits.max_bytes_per_s, s.file_bytes, s.bytes_per_second(), report.span_s));
  if (limits.max_events_per_s)
    report.results.push_back(
        rate("events/s", Quantity::kPerSecond, *limits.max_events_per_s, s.timed_events, s.events_per_second(), report.span_s));

  if (s.truncated)
    report.warnings.push_back(fmt::format("the trace is cut short at byte offset {} ({}): what was read is judged",
                                          s.truncated_offset, s.truncation));
  for (const auto& issue : s.issues)
    if (issue.severity == tr::Severity::kDataLoss && issue.name != "truncated")
      report.warnings.push_back(fmt::format("trace reader: {} x{} ({}): some figures are lower bounds", issue.name,
                                            issue.count, issue.first_detail));
  return report;
}

}  // namespace tracebench::gates
