#include "summary_lookup.h"

#include <fmt/core.h>

#include <charconv>
#include <vector>

#include "trace/diagnostics.h"

namespace tracebench::trace::testing {
namespace {

std::vector<std::string_view> split(std::string_view key) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (true) {
    std::size_t j = key.find('.', i);
    parts.push_back(key.substr(i, j - i));
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return parts;
}

std::optional<std::string> num(auto v) { return fmt::format("{}", v); }
std::optional<std::string> boolean(bool b) { return std::string(b ? "true" : "false"); }

std::optional<std::size_t> index(std::string_view s) {
  std::size_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::string> durations(const std::vector<DurationStats>& v, std::string_view name,
                                     std::string_view field) {
  for (const auto& d : v) {
    if (d.name != name) continue;
    if (field == "count") return num(d.count);
    if (field == "begun") return num(d.begun);
    if (field == "p50_ns") return num(d.p50_ns);
    if (field == "p99_ns") return num(d.p99_ns);
    if (field == "max_ns") return num(d.max_ns);
    if (field == "min_ns") return num(d.min_ns);
    if (field == "total_ns") return num(d.total_ns);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> lookup(const TraceSummary& s, std::string_view key) {
  auto p = split(key);
  const std::string_view head = p[0];
  if (p.size() == 1) {
    if (head == "version") return std::string(version_name(s.version));
    if (head == "file_bytes") return num(s.file_bytes);
    if (head == "bytes_read") return num(s.bytes_read);
    if (head == "generations") return num(s.generations);
    if (head == "batches") return num(s.batches);
    if (head == "events") return num(s.events);
    if (head == "timed_events") return num(s.timed_events);
    if (head == "first_event_ns") return num(s.first_event_ns);
    if (head == "last_event_ns") return num(s.last_event_ns);
    if (head == "span_ns") return num(s.span_ns);
    if (head == "ticks_per_second") return num(s.ticks_per_second);
    if (head == "frequency_assumed") return boolean(s.frequency_assumed);
    if (head == "header_padding_bytes") return num(s.header_padding_bytes);
    if (head == "experimental_padding_bytes") return num(s.experimental_padding_bytes);
    if (head == "skipped_bytes") return num(s.skipped_bytes);
    if (head == "truncated") return boolean(s.truncated);
    if (head == "truncated_offset") return num(s.truncated_offset);
    if (head == "mono_minus_trace_ns")
      return s.mono_minus_trace_ns ? num(*s.mono_minus_trace_ns) : std::optional<std::string>("none");
    if (head == "wall_minus_trace_ns")
      return s.wall_minus_trace_ns ? num(*s.wall_minus_trace_ns) : std::optional<std::string>("none");
    return std::nullopt;
  }
  if (head == "kind" && p.size() == 3) {
    for (unsigned t = 0; t < 256; ++t) {
      if (event_name(static_cast<std::uint8_t>(t)) != p[1]) continue;
      if (p[2] == "events") return num(s.kinds[t].events);
      if (p[2] == "bytes") return num(s.kinds[t].bytes);
    }
    return std::nullopt;
  }
  if (head == "category" && p.size() == 3) {
    for (std::size_t c = 0; c < kCategoryCount; ++c) {
      if (category_name(static_cast<Category>(c)) != p[1]) continue;
      if (p[2] == "events") return num(s.categories[c].events);
      if (p[2] == "bytes") return num(s.categories[c].bytes);
    }
    return std::nullopt;
  }
  if (head == "goroutines" && p.size() == 2) {
    const auto& g = s.goroutines;
    if (p[1] == "created") return num(g.created);
    if (p[1] == "destroyed") return num(g.destroyed);
    if (p[1] == "seen") return num(g.seen);
    if (p[1] == "events_without_goroutine") return num(g.events_without_goroutine);
    if (p[1] == "lifetimes") return num(g.lifetimes);
    if (p[1] == "lifetime_p50_ns") return num(g.lifetime_p50_ns);
    return std::nullopt;
  }
  if (head == "top" && p.size() == 3) {
    auto i = index(p[1]);
    if (!i || *i >= s.goroutines.top.size()) return std::nullopt;
    const auto& t = s.goroutines.top[*i];
    if (p[2] == "goid") return num(t.goid);
    if (p[2] == "events") return num(t.events);
    if (p[2] == "bytes") return num(t.bytes);
    if (p[2] == "start_function") return t.start_function;
    if (p[2] == "created_in_trace") return boolean(t.created_in_trace);
    return std::nullopt;
  }
  if (head == "function" && p.size() >= 3) {
    // Function names contain dots: everything between the first and last part.
    std::string_view name = key.substr(p[0].size() + 1, key.size() - p[0].size() - p.back().size() - 2);
    for (const auto& f : s.goroutines.by_function) {
      if (f.start_function != name) continue;
      if (p.back() == "goroutines") return num(f.goroutines);
      if (p.back() == "created") return num(f.created);
      if (p.back() == "events") return num(f.events);
    }
    return std::nullopt;
  }
  if ((head == "region" || head == "task") && p.size() >= 3) {
    std::string_view name = key.substr(p[0].size() + 1, key.size() - p[0].size() - p.back().size() - 2);
    return durations(head == "region" ? s.regions : s.tasks, name, p.back());
  }
  if (head == "log") {
    std::string_view name = key.substr(4);
    for (const auto& l : s.logs)
      if (l.name == name) return num(l.count);
    return std::nullopt;
  }
  if (head == "issue" && p.size() == 2) {
    for (const auto& i : s.issues)
      if (i.name == p[1]) return num(i.count);
    return std::string("0");
  }
  if (head == "gc" && p.size() == 2) {
    if (p[1] == "cycles") return num(s.gc.cycles);
    if (p[1] == "gc_total_ns") return num(s.gc.gc_total_ns);
    if (p[1] == "stw_pauses") return num(s.gc.stw_pauses);
    if (p[1] == "stw_total_ns") return num(s.gc.stw_total_ns);
    if (p[1] == "stw_max_ns") return num(s.gc.stw_max_ns);
    if (p[1] == "heap_alloc_max_bytes") return num(s.gc.heap_alloc_max_bytes);
    if (p[1] == "heap_goal_last_bytes") return num(s.gc.heap_goal_last_bytes);
    if (p[1] == "gomaxprocs") return num(s.gc.gomaxprocs);
    return std::nullopt;
  }
  if (head == "gen" && p.size() == 3) {
    auto i = index(p[1]);
    if (!i || *i >= s.generation_stats.size()) return std::nullopt;
    const auto& g = s.generation_stats[*i];
    if (p[2] == "gen") return num(g.gen);
    if (p[2] == "events") return num(g.events);
    if (p[2] == "batches") return num(g.batches);
    if (p[2] == "bytes") return num(g.bytes);
    if (p[2] == "first_event_ns") return num(g.first_event_ns);
    if (p[2] == "last_event_ns") return num(g.last_event_ns);
    if (p[2] == "end_marker") return boolean(g.end_marker);
    if (p[2] == "truncated") return boolean(g.truncated);
    return std::nullopt;
  }
  if (head == "diag" && p.size() == 2) {
    for (const auto& d : diagnose(s))
      if (d.id == p[1]) return std::string("present");
    return std::string("absent");
  }
  return std::nullopt;
}

}  // namespace tracebench::trace::testing
