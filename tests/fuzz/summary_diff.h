#pragma once
// Test support: the first difference between two trace summaries, in words ("" when
// they agree), ignoring what may differ between two readings of the same bytes (the
// path label and the parse time). Used to check that one and two threads read every
// trace alike: by the fuzz target (tests/fuzz/) and by the unit and golden tests.

#include <fmt/core.h>

#include <string>
#include <vector>

#include "trace/analyze.h"

namespace tracebench::trace::testing {

namespace summary_diff_detail {

template <class T>
bool differ(std::string& out, const std::string& what, const T& a, const T& b) {
  if (out.empty() && !(a == b)) out = what;
  return !out.empty();
}

inline bool same_durations(const std::vector<DurationStats>& a, const std::vector<DurationStats>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].count != b[i].count || a[i].total_ns != b[i].total_ns ||
        a[i].min_ns != b[i].min_ns || a[i].p50_ns != b[i].p50_ns || a[i].p99_ns != b[i].p99_ns ||
        a[i].max_ns != b[i].max_ns || a[i].begun != b[i].begun)
      return false;
  return true;
}

}  // namespace summary_diff_detail

inline std::string summary_diff(const TraceSummary& a, const TraceSummary& b) {
  using summary_diff_detail::differ;
  std::string d;
  differ(d, "version", a.version, b.version);
  differ(d, "file_bytes", a.file_bytes, b.file_bytes);
  differ(d, "bytes_read", a.bytes_read, b.bytes_read);
  differ(d, "generations", a.generations, b.generations);
  differ(d, "generation_stats size", a.generation_stats.size(), b.generation_stats.size());
  for (std::size_t i = 0; d.empty() && i < a.generation_stats.size(); ++i) {
    const GenerationStats &x = a.generation_stats[i], &y = b.generation_stats[i];
    const std::string g = fmt::format("generation_stats[{}].", i);
    differ(d, g + "gen", x.gen, y.gen);
    differ(d, g + "offset", x.offset, y.offset);
    differ(d, g + "bytes", x.bytes, y.bytes);
    differ(d, g + "batches", x.batches, y.batches);
    differ(d, g + "events", x.events, y.events);
    differ(d, g + "first_event_ns", x.first_event_ns, y.first_event_ns);
    differ(d, g + "last_event_ns", x.last_event_ns, y.last_event_ns);
    differ(d, g + "end_marker", x.end_marker, y.end_marker);
    differ(d, g + "truncated", x.truncated, y.truncated);
  }
  differ(d, "batches", a.batches, b.batches);
  differ(d, "events", a.events, b.events);
  differ(d, "timed_events", a.timed_events, b.timed_events);
  differ(d, "first_event_ns", a.first_event_ns, b.first_event_ns);
  differ(d, "last_event_ns", a.last_event_ns, b.last_event_ns);
  differ(d, "span_ns", a.span_ns, b.span_ns);
  differ(d, "ticks_per_second", a.ticks_per_second, b.ticks_per_second);
  differ(d, "frequency_assumed", a.frequency_assumed, b.frequency_assumed);
  differ(d, "wall_minus_trace_ns", a.wall_minus_trace_ns, b.wall_minus_trace_ns);
  differ(d, "mono_minus_trace_ns", a.mono_minus_trace_ns, b.mono_minus_trace_ns);
  for (unsigned t = 0; d.empty() && t < 256; ++t) {
    differ(d, fmt::format("kinds[{}].events", t), a.kinds[t].events, b.kinds[t].events);
    differ(d, fmt::format("kinds[{}].bytes", t), a.kinds[t].bytes, b.kinds[t].bytes);
  }
  for (std::size_t c = 0; d.empty() && c < a.categories.size(); ++c) {
    differ(d, fmt::format("categories[{}].events", c), a.categories[c].events, b.categories[c].events);
    differ(d, fmt::format("categories[{}].bytes", c), a.categories[c].bytes, b.categories[c].bytes);
  }
  differ(d, "header_padding_bytes", a.header_padding_bytes, b.header_padding_bytes);
  differ(d, "experimental_padding_bytes", a.experimental_padding_bytes, b.experimental_padding_bytes);
  differ(d, "skipped_bytes", a.skipped_bytes, b.skipped_bytes);

  const GoroutineStats &ga = a.goroutines, &gb = b.goroutines;
  differ(d, "goroutines.created", ga.created, gb.created);
  differ(d, "goroutines.destroyed", ga.destroyed, gb.destroyed);
  differ(d, "goroutines.seen", ga.seen, gb.seen);
  differ(d, "goroutines.events_without_goroutine", ga.events_without_goroutine, gb.events_without_goroutine);
  differ(d, "goroutines.bytes_without_goroutine", ga.bytes_without_goroutine, gb.bytes_without_goroutine);
  differ(d, "goroutines.lifetimes", ga.lifetimes, gb.lifetimes);
  differ(d, "goroutines.lifetime_p50_ns", ga.lifetime_p50_ns, gb.lifetime_p50_ns);
  differ(d, "goroutines.lifetime_p99_ns", ga.lifetime_p99_ns, gb.lifetime_p99_ns);
  differ(d, "goroutines.top size", ga.top.size(), gb.top.size());
  for (std::size_t i = 0; d.empty() && i < ga.top.size(); ++i) {
    const GoroutineTalker &x = ga.top[i], &y = gb.top[i];
    const std::string g = fmt::format("goroutines.top[{}].", i);
    differ(d, g + "goid", x.goid, y.goid);
    differ(d, g + "start_function", x.start_function, y.start_function);
    differ(d, g + "events", x.events, y.events);
    differ(d, g + "bytes", x.bytes, y.bytes);
    differ(d, g + "created_in_trace", x.created_in_trace, y.created_in_trace);
    differ(d, g + "destroyed_in_trace", x.destroyed_in_trace, y.destroyed_in_trace);
  }
  differ(d, "goroutines.by_function size", ga.by_function.size(), gb.by_function.size());
  for (std::size_t i = 0; d.empty() && i < ga.by_function.size(); ++i) {
    const FunctionStats &x = ga.by_function[i], &y = gb.by_function[i];
    const std::string g = fmt::format("goroutines.by_function[{}].", i);
    differ(d, g + "start_function", x.start_function, y.start_function);
    differ(d, g + "goroutines", x.goroutines, y.goroutines);
    differ(d, g + "created", x.created, y.created);
    differ(d, g + "events", x.events, y.events);
    differ(d, g + "bytes", x.bytes, y.bytes);
  }
  if (d.empty() && !summary_diff_detail::same_durations(a.regions, b.regions)) d = "regions";
  if (d.empty() && !summary_diff_detail::same_durations(a.tasks, b.tasks)) d = "tasks";
  differ(d, "logs size", a.logs.size(), b.logs.size());
  for (std::size_t i = 0; d.empty() && i < a.logs.size(); ++i) {
    differ(d, fmt::format("logs[{}].name", i), a.logs[i].name, b.logs[i].name);
    differ(d, fmt::format("logs[{}].count", i), a.logs[i].count, b.logs[i].count);
  }
  differ(d, "gc.cycles", a.gc.cycles, b.gc.cycles);
  differ(d, "gc.gc_total_ns", a.gc.gc_total_ns, b.gc.gc_total_ns);
  differ(d, "gc.stw_pauses", a.gc.stw_pauses, b.gc.stw_pauses);
  differ(d, "gc.stw_total_ns", a.gc.stw_total_ns, b.gc.stw_total_ns);
  differ(d, "gc.stw_max_ns", a.gc.stw_max_ns, b.gc.stw_max_ns);
  differ(d, "gc.heap_alloc_max_bytes", a.gc.heap_alloc_max_bytes, b.gc.heap_alloc_max_bytes);
  differ(d, "gc.heap_goal_last_bytes", a.gc.heap_goal_last_bytes, b.gc.heap_goal_last_bytes);
  differ(d, "gc.gomaxprocs", a.gc.gomaxprocs, b.gc.gomaxprocs);
  differ(d, "truncated", a.truncated, b.truncated);
  differ(d, "truncated_offset", a.truncated_offset, b.truncated_offset);
  differ(d, "truncation", a.truncation, b.truncation);
  differ(d, "issues size", a.issues.size(), b.issues.size());
  for (std::size_t i = 0; d.empty() && i < a.issues.size(); ++i) {
    const IssueReport &x = a.issues[i], &y = b.issues[i];
    const std::string g = fmt::format("issues[{}] ({}).", i, x.name);
    differ(d, g + "name", x.name, y.name);
    differ(d, g + "severity", x.severity, y.severity);
    differ(d, g + "count", x.count, y.count);
    differ(d, g + "first_offset", x.first_offset, y.first_offset);
    differ(d, g + "first_detail", x.first_detail, y.first_detail);
  }
  return d;
}

}  // namespace tracebench::trace::testing
