#include "cli/inspect_states.h"

#include <fmt/core.h>

#include <fstream>

#include "cli/units.h"
#include "trace/errors.h"
#include "trace/pprof_encoder.h"
#include "trace/tick_converter.h"
#include "trace/time_advice.h"
#include "units/duration_text.h"

namespace tracebench::cli {

namespace tr = tracebench::trace;
using units::compact_duration_text;

PprofRequest parse_pprof_request(const std::string& text) {
  const auto eq = text.find('=');
  const std::string kind = text.substr(0, eq);
  if (eq == std::string::npos || eq + 1 == text.size())
    throw BadValue(fmt::format("'{}': expected KIND=FILE with KIND one of sync, net, syscall, sched", text));
  const auto k = tr::parse_profile_kind(kind);
  if (!k) throw BadValue(fmt::format("unknown profile kind '{}': expected sync, net, syscall or sched", kind));
  return {*k, text.substr(eq + 1)};
}

void parse_window(const std::string& text, tr::StateFilter& filter) {
  const auto colon = text.find(':');
  if (colon == std::string::npos)
    throw BadValue(fmt::format("'{}': expected FROM:TO, durations from the trace's first event (e.g. 1s:3s, :500ms)",
                               text));
  const std::string from = text.substr(0, colon), to = text.substr(colon + 1);
  if (!from.empty()) filter.from_ns = parse_duration_ns(from);
  if (!to.empty()) filter.to_ns = parse_duration_ns(to);
  if (filter.from_ns && filter.to_ns && *filter.to_ns <= *filter.from_ns)
    throw BadValue(fmt::format("'{}': the window's end must come after its start", text));
}

std::vector<std::string> write_profiles(const tr::StateAnalysis& a, const std::vector<PprofRequest>& requests) {
  std::vector<std::string> lines;
  const std::int64_t span = tr::wrapping_difference_ns(a.last_event_ns, a.first_event_ns);
  for (const PprofRequest& r : requests) {
    const tr::DelayProfile& p = a.profiles[tr::kind_index(r.kind)];
    const std::string bytes = tr::encode_pprof(p, span);
    std::ofstream f(r.path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f)
      throw tr::IoError(fmt::format("cannot write the {} profile to '{}'", tr::profile_kind_name(r.kind), r.path));
    std::string line = fmt::format("pprof {:<8} {}: {} stacks, {} intervals, {} total delay",
                                   tr::profile_kind_name(r.kind), r.path, p.samples.size(), p.total_count(),
                                   compact_duration_text(p.total_delay_ns()));
    if (p.samples.empty()) line += " (no samples: a valid empty profile)";
    if (p.intervals_without_stack > 0)
      line += fmt::format(" ({} intervals without a stack: begun by events that carry none, or in a generation "
                          "cut before its stack table; under an empty stack, as go tool trace does)",
                          p.intervals_without_stack);
    lines.push_back(std::move(line));
  }
  return lines;
}

namespace {

std::string share(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? fmt::format("{:.1f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole)) : "-";
}

nlohmann::json times_json(const tr::StateTimes& t) {
  nlohmann::json waiting = nlohmann::json::object();
  for (std::size_t c = 0; c < tr::kWaitCauseCount; ++c)
    waiting[std::string(tr::wait_cause_name(static_cast<tr::WaitCause>(c)))] = t.waiting_ns[c];
  return {{"total_ns", t.total_ns()}, {"running_ns", t.running_ns}, {"runnable_ns", t.runnable_ns},
          {"syscall_ns", t.syscall_ns}, {"waiting_ns", waiting}};
}

}  // namespace

void print_breakdown_text(const tr::StateAnalysis& a, const std::string& trace_path) {
  const tr::TimeBreakdown& b = a.breakdown;
  fmt::print("\ngoroutine time  {} over {} goroutines ({} created in the trace), states read at {:.0f} MB/s\n",
             compact_duration_text(b.all.total_ns()), b.goroutines, b.created, a.parse_mb_per_second());
  fmt::print("{:<40} {:>8} {:>8} {:>8}", "start function", "running", "runnable", "syscall");
  for (std::size_t c = 0; c < tr::kWaitCauseCount; ++c)
    fmt::print(" {:>8}", tr::wait_cause_name(static_cast<tr::WaitCause>(c)));
  fmt::print("\n");
  auto row = [](const std::string& name, const tr::StateTimes& t) {
    const std::int64_t total = t.total_ns();
    fmt::print("{:<40} {:>8} {:>8} {:>8}", name.size() > 40 ? "…" + name.substr(name.size() - 39) : name,
               share(t.running_ns, total), share(t.runnable_ns, total), share(t.syscall_ns, total));
    for (std::int64_t w : t.waiting_ns) fmt::print(" {:>8}", share(w, total));
    fmt::print("\n");
  };
  row("(all goroutines)", b.all);
  for (const auto& f : b.by_function) row(f.start_function.empty() ? "?" : f.start_function, f.times);
  if (b.sched_count > 0)
    fmt::print("scheduler latency (runnable -> running)  p50 {}  p99 {}  max {}  ({} times)\n",
               compact_duration_text(b.sched_p50_ns), compact_duration_text(b.sched_p99_ns),
               compact_duration_text(b.sched_max_ns), b.sched_count);
  const auto advice = tr::advise(b, trace_path);
  if (!advice.empty()) {
    fmt::print("advice\n");
    for (const auto& x : advice) fmt::print("  - [{}] {}\n", x.id, x.message);
  }
}

nlohmann::json breakdown_json(const tr::StateAnalysis& a, const std::string& trace_path) {
  const tr::TimeBreakdown& b = a.breakdown;
  nlohmann::json funcs = nlohmann::json::array();
  for (const auto& f : b.by_function)
    funcs.push_back(
        {{"start_function", f.start_function}, {"goroutines", f.goroutines}, {"times", times_json(f.times)}});
  nlohmann::json advice = nlohmann::json::array();
  for (const auto& x : tr::advise(b, trace_path))
    advice.push_back({{"id", x.id}, {"share", x.share}, {"threshold", x.threshold}, {"message", x.message}});
  return {{"goroutines", b.goroutines},
          {"created", b.created},
          {"span_ns", b.span_ns},
          {"all", times_json(b.all)},
          {"by_function", funcs},
          {"sched_latency", {{"count", b.sched_count}, {"p50_ns", b.sched_p50_ns}, {"p99_ns", b.sched_p99_ns},
                             {"max_ns", b.sched_max_ns}}},
          {"advice", advice},
          {"parse", {{"seconds", a.parse_seconds}, {"mb_per_second", a.parse_mb_per_second()}}}};
}

}  // namespace tracebench::cli
