#include "trace/diagnostics.h"

#include <fmt/core.h>

#include "units/duration_text.h"
#include "units/number_text.h"

namespace tracebench::trace {
namespace {

using units::compact_duration_text;
using units::share_text;

double share(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::string per_second(double rate) {
  if (rate >= 1e6) return fmt::format("{:.1f}M/s", rate / 1e6);
  if (rate >= 1e3) return fmt::format("{:.1f}k/s", rate / 1e3);
  return fmt::format("{:.0f}/s", rate);
}

std::string function_or_unknown(const std::string& f) { return f.empty() ? "start function unknown" : f; }

}  // namespace

std::vector<Diagnostic> diagnose(const TraceSummary& s, const DiagnosticThresholds& t) {
  std::vector<Diagnostic> out;
  const std::uint64_t timed = s.timed_events;
  const bool enough = timed >= t.min_timed_events;
  const double span_s = static_cast<double>(s.span_ns) / 1e9;

  if (s.truncated) {
    out.push_back({"truncated", true, 0,
                   fmt::format("The trace is truncated: {}. The figures cover the {} bytes read.", s.truncation,
                               s.bytes_read)});
  }
  std::uint64_t skipped_records = 0;
  for (const IssueReport& i : s.issues)
    if (i.severity == Severity::kError) skipped_records += i.count;
  if (skipped_records > 0) {
    out.push_back({"bad_records", true, 0,
                   fmt::format("{} records break the format and were skipped or ignored (see the issues); "
                               "the figures are lower bounds.",
                               skipped_records)});
  }
  if (!enough) return out;

  const Counts& lifecycle = s.categories[static_cast<std::size_t>(Category::kGoroutineLifecycle)];
  if (double sh = share(lifecycle.events, timed); sh >= t.churn_share) {
    std::string detail = fmt::format("{} goroutines created", s.goroutines.created);
    if (span_s > 0) detail += fmt::format(", {}", per_second(static_cast<double>(s.goroutines.created) / span_s));
    if (s.goroutines.lifetimes > 0)
      detail += fmt::format("; median lifetime {}", compact_duration_text(s.goroutines.lifetime_p50_ns));
    const FunctionStats* creator = nullptr;
    for (const FunctionStats& f : s.goroutines.by_function)
      if (f.created > 0 && (creator == nullptr || f.created > creator->created)) creator = &f;
    if (creator != nullptr && !creator->start_function.empty())
      detail += fmt::format("; most run {} ({} created)", creator->start_function, creator->created);
    out.push_back({"goroutine_churn", true, sh,
                   fmt::format("Goroutine churn: goroutine create/destroy events are {} of all events ({}). "
                               "A goroutine per small work item costs several events each; bound concurrency "
                               "with a worker pool or a semaphore, and the trace shrinks (the program usually "
                               "gets faster too).",
                               share_text(sh), detail)});
  }

  const Counts& annotations = s.categories[static_cast<std::size_t>(Category::kUserAnnotations)];
  if (double sh = share(annotations.events, timed); sh >= t.annotation_share) {
    std::uint64_t regions = 0;
    for (const DurationStats& r : s.regions) regions += r.begun;
    std::uint64_t logs = 0;
    for (const NamedCount& l : s.logs) logs += l.count;
    std::string top;
    if (!s.regions.empty()) {
      const DurationStats& r = s.regions.front();
      top = fmt::format(" The most frequent region, '{}', ran {} times with a median of {}.", r.name, r.count,
                        compact_duration_text(r.p50_ns));
    }
    out.push_back({"fine_grained_regions", true, sh,
                   fmt::format("User annotations are {} of all events ({} regions, {} logs): regions this "
                               "fine-grained inflate the trace and bury the phases that matter.{} Annotate "
                               "phases (decode, query, render), not small functions or loop bodies.",
                               share_text(sh), regions, logs, top)});
  }

  if (!s.goroutines.top.empty()) {
    const GoroutineTalker& g = s.goroutines.top.front();
    if (double sh = share(g.events, timed); sh >= t.dominant_goroutine_share) {
      std::string kind = g.created_in_trace ? "" : ", a goroutine that predates the capture (a background loop?)";
      out.push_back({"dominant_goroutine", true, sh,
                     fmt::format("Goroutine {} ({}) produced {} of all events{}. Scope the capture: trace while "
                                 "the path under study is under load, or keep background loops (health checks, "
                                 "metric flushers, pollers) from dominating the window.",
                                 g.goid, function_or_unknown(g.start_function), share_text(sh), kind)});
    }
  }

  const std::uint64_t status_bytes =
      s.kinds[kEvGoStatus].bytes + s.kinds[kEvGoStatusStack].bytes + s.kinds[kEvProcStatus].bytes;
  if (double sh = share(status_bytes, s.file_bytes); sh >= t.status_bytes_share) {
    out.push_back({"status_restatement", true, sh,
                   fmt::format("Goroutine status events are {} of the bytes: every generation (about 1 s) "
                               "restates the status of each goroutine, so many parked goroutines cost bytes every "
                               "second. Fewer idle goroutines make every generation smaller.",
                               share_text(sh))});
  }

  const Counts& tables = s.categories[static_cast<std::size_t>(Category::kTables)];
  if (double sh = share(tables.bytes, s.file_bytes); sh >= t.tables_bytes_share) {
    out.push_back({"tables_dominate", false, sh,
                   fmt::format("Stack and string tables are {} of the bytes: each generation carries its own "
                               "tables, so a very short capture (or a small flight-recorder window) is mostly "
                               "tables. Rates measured on it overstate the per-second cost of longer captures.",
                               share_text(sh))});
  }
  return out;
}

}  // namespace tracebench::trace
