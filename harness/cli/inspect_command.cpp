// `tracebench inspect TRACE`: what a Go execution trace holds — version, size, span,
// rates, bytes and events by category and kind, goroutines, regions, tasks, logs —
// how fast it parsed, and plain-language diagnostics for the known anti-patterns.

#include <fmt/core.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <nlohmann/json.hpp>
#include <numeric>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/flag_parsing.h"
#include "cli/inspect_states.h"
#include "cli/units.h"
#include "result/schema.h"
#include "trace/analyze.h"
#include "trace/diagnostics.h"
#include "trace/source.h"
#include "trace/wire_dump.h"
#include "units/duration_text.h"
#include "units/size_text.h"

namespace tracebench::cli {
namespace {

using units::binary_size_text;
using units::compact_duration_text;

namespace po = boost::program_options;
namespace tr = tracebench::trace;

constexpr std::string_view kInspectUsage =
    "usage: tracebench inspect TRACE [options]\n"
    "\n"
    "Reads a Go execution trace (runtime/trace, /debug/pprof/trace, go test -trace, a\n"
    "flight-recorder snapshot; format of Go 1.22 to 1.26) and prints what it holds: the\n"
    "Go version, size, the time span its events cover, bytes/s and events/s, bytes and\n"
    "events by category and kind, goroutines (created, destroyed, top talkers), user\n"
    "regions, tasks and logs, parse time and speed, and diagnostics for known\n"
    "anti-patterns. TRACE may be - for stdin.\n"
    "\n"
    "It also follows every goroutine's state and prints where goroutine time went (running,\n"
    "runnable, in syscalls, blocked by cause; overall and per start function), the\n"
    "scheduler latency and advice, and with --pprof writes the delay profiles of\n"
    "`go tool trace -pprof=KIND` (gzip pprof, for go tool pprof). The filters narrow the\n"
    "breakdown and the profiles alike.\n"
    "\n"
    "options:\n";

std::string percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "-";
  return fmt::format("{:.1f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

std::string rate(double per_second) {
  if (per_second >= 1e6) return fmt::format("{:.2f}M", per_second / 1e6);
  if (per_second >= 1e3) return fmt::format("{:.1f}k", per_second / 1e3);
  return fmt::format("{:.0f}", per_second);
}

std::string duration_or_dash(std::int64_t ns, std::uint64_t count) { return count ? compact_duration_text(ns) : "-"; }

std::string_view frequency_text(const tr::TraceSummary& s) { return s.frequency_assumed ? " (assumed)" : ""; }

void print_text(const tr::TraceSummary& s, const std::vector<tr::Diagnostic>& diags, std::size_t kinds_shown) {
  const double span_s = static_cast<double>(s.span_ns) / 1e9;
  fmt::print("trace       {}\n", s.path);
  fmt::print("go          {} (format header \"go {} trace\")\n", tr::version_name(s.version), tr::version_name(s.version));
  fmt::print("size        {} ({} bytes), {} generations, {} batches\n", binary_size_text(s.file_bytes),
             s.file_bytes, s.generations, s.batches);
  if (s.timed_events > 0) {
    fmt::print("span        {}  (first event {} ns, last {} ns; trace clock {} Hz{})\n", compact_duration_text(s.span_ns),
               s.first_event_ns, s.last_event_ns, s.ticks_per_second, frequency_text(s));
  } else {
    fmt::print("span        - (no timed events)\n");
  }
  if (span_s > 0) {
    fmt::print("rate        {}/s, {} events/s ({} events, {} timed)\n",
               binary_size_text(static_cast<std::uint64_t>(s.bytes_per_second())), rate(s.events_per_second()),
               s.events, s.timed_events);
  } else {
    fmt::print("rate        - ({} events)\n", s.events);
  }
  fmt::print("parse       {}, {:.0f} MB/s\n", compact_duration_text(static_cast<std::int64_t>(s.parse_seconds * 1e9)),
             s.parse_mb_per_second());
  if (s.truncated) fmt::print("TRUNCATED   {}\n", s.truncation);

  fmt::print("\n{:<22} {:>12} {:>7} {:>12} {:>7} {:>12}\n", "category", "events", "%", "bytes", "%", "events/s");
  for (std::size_t c = 0; c < tr::kCategoryCount; ++c) {
    const tr::Counts& k = s.categories[c];
    if (k.events == 0 && k.bytes == 0) continue;
    fmt::print("{:<22} {:>12} {:>7} {:>12} {:>7} {:>12}\n", tr::category_name(static_cast<tr::Category>(c)), k.events,
               percent(k.events, s.events), k.bytes, percent(k.bytes, s.file_bytes),
               span_s > 0 ? rate(static_cast<double>(k.events) / span_s) : "-");
  }

  std::vector<unsigned> order(256);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](unsigned a, unsigned b) { return s.kinds[a].bytes > s.kinds[b].bytes; });
  fmt::print("\n{:<22} {:>12} {:>7} {:>12} {:>7}   (top {} by bytes)\n", "event kind", "events", "%", "bytes", "%",
             kinds_shown);
  for (std::size_t i = 0; i < kinds_shown && i < order.size(); ++i) {
    const tr::Counts& k = s.kinds[order[i]];
    if (k.events == 0) break;
    fmt::print("{:<22} {:>12} {:>7} {:>12} {:>7}\n", tr::event_name(static_cast<std::uint8_t>(order[i])), k.events,
               percent(k.events, s.events), k.bytes, percent(k.bytes, s.file_bytes));
  }

  const auto& g = s.goroutines;
  fmt::print("\ngoroutines  created {}, destroyed {}, seen {}", g.created, g.destroyed, g.seen);
  if (g.lifetimes > 0)
    fmt::print("; lifetime p50 {} p99 {} ({} lived and died in the trace)", compact_duration_text(g.lifetime_p50_ns),
               compact_duration_text(g.lifetime_p99_ns), g.lifetimes);
  fmt::print("\n");
  if (!g.top.empty()) {
    fmt::print("{:<12} {:>12} {:>7}  {}\n", "goroutine", "events", "%", "start function");
    fmt::print("{:<12} {:>12} {:>7}  {}\n", "(none)", g.events_without_goroutine,
               percent(g.events_without_goroutine, s.timed_events), "scheduler, idle Ps");
    for (const auto& t : g.top) {
      fmt::print("{:<12} {:>12} {:>7}  {}{}\n", fmt::format("G{}", t.goid), t.events, percent(t.events, s.timed_events),
                 t.start_function.empty() ? "?" : t.start_function,
                 t.created_in_trace ? "" : "  (existed before the trace)");
    }
  }
  if (!g.by_function.empty()) {
    fmt::print("{:<48} {:>10} {:>10} {:>12} {:>7}\n", "start function", "goroutines", "created", "events", "%");
    for (const auto& f : g.by_function)
      fmt::print("{:<48} {:>10} {:>10} {:>12} {:>7}\n", f.start_function.empty() ? "?" : f.start_function,
                 f.goroutines, f.created, f.events, percent(f.events, s.timed_events));
  }

  auto print_durations = [](std::string_view title, const std::vector<tr::DurationStats>& v) {
    if (v.empty()) return;
    fmt::print("\n{:<32} {:>10} {:>10} {:>10} {:>10}\n", title, "count", "p50", "p99", "max");
    for (const auto& d : v)
      fmt::print("{:<32} {:>10} {:>10} {:>10} {:>10}\n", d.name.empty() ? "\"\"" : d.name, d.count,
                 duration_or_dash(d.p50_ns, d.count), duration_or_dash(d.p99_ns, d.count),
                 duration_or_dash(d.max_ns, d.count));
  };
  print_durations("region", s.regions);
  print_durations("task", s.tasks);
  if (!s.logs.empty()) {
    fmt::print("\n{:<32} {:>10}\n", "log category", "count");
    for (const auto& l : s.logs) fmt::print("{:<32} {:>10}\n", l.name.empty() ? "\"\"" : l.name, l.count);
  }

  if (s.gc.cycles > 0 || s.gc.stw_pauses > 0) {
    fmt::print("\ngc          {} cycles ({} in GC), {} stop-the-world pauses (total {}, max {}), heap max {}, "
               "GOMAXPROCS {}\n",
               s.gc.cycles, compact_duration_text(s.gc.gc_total_ns), s.gc.stw_pauses,
               compact_duration_text(s.gc.stw_total_ns), compact_duration_text(s.gc.stw_max_ns),
               binary_size_text(s.gc.heap_alloc_max_bytes), s.gc.gomaxprocs);
  }
  if (!s.issues.empty()) {
    fmt::print("\n{:<28} {:<10} {:>8}  {}\n", "issue", "severity", "count", "first");
    for (const auto& i : s.issues)
      fmt::print("{:<28} {:<10} {:>8}  {}\n", i.name, tr::severity_name(i.severity), i.count, i.first_detail);
  }
  if (!diags.empty()) {
    fmt::print("\ndiagnostics\n");
    for (const auto& d : diags) fmt::print("  {} [{}] {}\n", d.warning ? "!" : "-", d.id, d.message);
  }
}

nlohmann::json durations_json(const std::vector<tr::DurationStats>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& d : v)
    a.push_back({{"name", d.name}, {"count", d.count}, {"begun", d.begun}, {"total_ns", d.total_ns},
                 {"min_ns", d.min_ns}, {"p50_ns", d.p50_ns}, {"p99_ns", d.p99_ns}, {"max_ns", d.max_ns}});
  return a;
}

nlohmann::json to_json(const tr::TraceSummary& s, const std::vector<tr::Diagnostic>& diags) {
  nlohmann::json j;
  j["schema"] = result::kInspectSchema;
  j["path"] = s.path;
  j["go_version"] = std::string(tr::version_name(s.version));
  j["file_bytes"] = s.file_bytes;
  j["bytes_read"] = s.bytes_read;
  j["generations"] = s.generations;
  j["batches"] = s.batches;
  j["events"] = s.events;
  j["timed_events"] = s.timed_events;
  j["first_event_ns"] = s.first_event_ns;
  j["last_event_ns"] = s.last_event_ns;
  j["span_ns"] = s.span_ns;
  j["bytes_per_second"] = s.bytes_per_second();
  j["events_per_second"] = s.events_per_second();
  j["ticks_per_second"] = s.ticks_per_second;
  j["frequency_assumed"] = s.frequency_assumed;
  j["wall_minus_trace_ns"] = s.wall_minus_trace_ns ? nlohmann::json(*s.wall_minus_trace_ns) : nlohmann::json(nullptr);
  j["mono_minus_trace_ns"] = s.mono_minus_trace_ns ? nlohmann::json(*s.mono_minus_trace_ns) : nlohmann::json(nullptr);
  j["header_padding_bytes"] = s.header_padding_bytes;
  j["experimental_padding_bytes"] = s.experimental_padding_bytes;
  j["skipped_bytes"] = s.skipped_bytes;
  j["truncated"] = s.truncated;
  j["truncation"] = s.truncation;
  j["parse"] = {{"seconds", s.parse_seconds}, {"mb_per_second", s.parse_mb_per_second()}};

  nlohmann::json cats = nlohmann::json::object();
  for (std::size_t c = 0; c < tr::kCategoryCount; ++c)
    cats[std::string(tr::category_name(static_cast<tr::Category>(c)))] = {{"events", s.categories[c].events},
                                                                           {"bytes", s.categories[c].bytes}};
  j["categories"] = cats;
  nlohmann::json kinds = nlohmann::json::object();
  for (unsigned t = 0; t < 256; ++t)
    if (s.kinds[t].events || s.kinds[t].bytes)
      kinds[tr::event_name(static_cast<std::uint8_t>(t))] = {{"type", t}, {"events", s.kinds[t].events},
                                                             {"bytes", s.kinds[t].bytes}};
  j["kinds"] = kinds;

  nlohmann::json gens = nlohmann::json::array();
  for (const auto& g : s.generation_stats)
    gens.push_back({{"gen", g.gen}, {"offset", g.offset}, {"bytes", g.bytes}, {"batches", g.batches},
                    {"events", g.events}, {"first_event_ns", g.first_event_ns}, {"last_event_ns", g.last_event_ns},
                    {"end_marker", g.end_marker}, {"truncated", g.truncated}});
  j["generation_stats"] = gens;

  const auto& g = s.goroutines;
  nlohmann::json top = nlohmann::json::array();
  for (const auto& t : g.top)
    top.push_back({{"goid", t.goid}, {"start_function", t.start_function}, {"events", t.events}, {"bytes", t.bytes},
                   {"created_in_trace", t.created_in_trace}, {"destroyed_in_trace", t.destroyed_in_trace}});
  nlohmann::json funcs = nlohmann::json::array();
  for (const auto& f : g.by_function)
    funcs.push_back({{"start_function", f.start_function}, {"goroutines", f.goroutines}, {"created", f.created},
                     {"events", f.events}, {"bytes", f.bytes}});
  j["goroutines"] = {{"created", g.created},
                     {"destroyed", g.destroyed},
                     {"seen", g.seen},
                     {"events_without_goroutine", g.events_without_goroutine},
                     {"bytes_without_goroutine", g.bytes_without_goroutine},
                     {"lifetimes", g.lifetimes},
                     {"lifetime_p50_ns", g.lifetime_p50_ns},
                     {"lifetime_p99_ns", g.lifetime_p99_ns},
                     {"top", top},
                     {"by_function", funcs}};
  j["regions"] = durations_json(s.regions);
  j["tasks"] = durations_json(s.tasks);
  nlohmann::json logs = nlohmann::json::array();
  for (const auto& l : s.logs) logs.push_back({{"category", l.name}, {"count", l.count}});
  j["logs"] = logs;
  j["gc"] = {{"cycles", s.gc.cycles},           {"gc_total_ns", s.gc.gc_total_ns},
             {"stw_pauses", s.gc.stw_pauses},   {"stw_total_ns", s.gc.stw_total_ns},
             {"stw_max_ns", s.gc.stw_max_ns},   {"heap_alloc_max_bytes", s.gc.heap_alloc_max_bytes},
             {"heap_goal_last_bytes", s.gc.heap_goal_last_bytes}, {"gomaxprocs", s.gc.gomaxprocs}};
  nlohmann::json issues = nlohmann::json::array();
  for (const auto& i : s.issues)
    issues.push_back({{"name", i.name}, {"severity", std::string(tr::severity_name(i.severity))}, {"count", i.count},
                      {"first_offset", i.first_offset}, {"first_detail", i.first_detail}});
  j["issues"] = issues;
  nlohmann::json d = nlohmann::json::array();
  for (const auto& x : diags)
    d.push_back({{"id", x.id}, {"warning", x.warning}, {"share", x.share}, {"message", x.message}});
  j["diagnostics"] = d;
  return j;
}

struct InspectArgs {
  bool json = false, keep_going = false, wire = false, counts_only = false, no_breakdown = false;
  std::size_t top = 10, kinds = 15;
  unsigned threads = 2;
  std::string path;
  std::vector<PprofRequest> pprof;
  std::string window;
  trace::StateOptions states;
};

// The flags into InspectArgs; an exit code when there is nothing to read (help, or a usage
// error already printed).
std::optional<int> parse_inspect_args(const std::vector<std::string>& args, InspectArgs& a) {
  po::options_description visible("");
  std::vector<std::string> pprof_specs;
  visible.add_options()("help,h", "print this help")("json", po::bool_switch(&a.json), "print the summary as JSON")(
      "keep-going", po::bool_switch(&a.keep_going),
      "count bad records (by kind, with the first offset) and read on, instead of stopping at the first")(
      "top", po::value(&a.top)->default_value(10), "goroutines and start functions to list")(
      "kinds", po::value(&a.kinds)->default_value(15), "event kinds to list (by bytes)")(
      "threads", po::value(&a.threads)->default_value(2),
      "1: read on one thread; 2: scan on this thread while a second one interprets, a few batches behind")(
      "counts-only", po::bool_switch(&a.counts_only),
      "skip the goroutine, region/task/log and time-breakdown analyses (faster; counts, span and rates only; "
      "--pprof still works)")(
      "wire", po::bool_switch(&a.wire), "print every wire event as `go tool trace -d=wire` does, and exit")(
      "no-breakdown", po::bool_switch(&a.no_breakdown),
      "skip where goroutine time went (the goroutine states take a second pass over the file)")(
      "pprof", po::value(&pprof_specs)->composing(),
      "KIND=FILE: write the delay profile KIND (sync, net, syscall, sched; as go tool trace -pprof=KIND) to FILE as "
      "a gzip pprof profile; repeatable")(
      "goroutine-function", po::value(&a.states.filter.start_function),
      "breakdown and profiles only for goroutines started by this function (e.g. main.worker)")(
      "region", po::value(&a.states.filter.region),
      "breakdown and profiles only for time spent inside user regions of this name")(
      "window", po::value(&a.window),
      "FROM:TO: breakdown and profiles only for this time window, durations from the trace's first event "
      "(e.g. 1s:3s; either side may be empty)");
  po::options_description hidden;
  std::vector<std::string> positional;
  hidden.add_options()("trace", po::value(&positional));
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description pos;
  pos.add("trace", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).style(kFlagStyle).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    fmt::print(stderr, "tracebench inspect: {} (see tracebench inspect --help)\n", e.what());
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::ostringstream o;
    o << visible;
    fmt::print("{}{}", kInspectUsage, o.str());
    return kExitOk;
  }
  if (positional.size() != 1) {
    fmt::print(stderr, "tracebench inspect: expected one trace file, got {} (see tracebench inspect --help)\n",
               positional.size());
    return kExitUsage;
  }
  a.path = positional.front();
  const char* flag = "--pprof";
  try {
    for (const auto& spec : pprof_specs) a.pprof.push_back(parse_pprof_request(spec));
    flag = "--window";
    if (!a.window.empty()) parse_window(a.window, a.states.filter);
  } catch (const BadValue& e) {
    fmt::print(stderr, "tracebench inspect: {} {} (see tracebench inspect --help)\n", flag, e.what());
    return kExitUsage;
  }
  return std::nullopt;
}

// What the flags ask for and the input cannot give, found before the trace is read.
std::optional<int> refuse_what_cannot_be_done(const InspectArgs& a) {
  // The states take a second pass over the file, which stdin cannot give.
  if (a.path == "-" && (!a.pprof.empty() || !a.window.empty() || !a.states.filter.start_function.empty() ||
                        !a.states.filter.region.empty())) {
    fmt::print(stderr, "tracebench inspect: --pprof and the filters need a trace file, not stdin\n");
    return kExitUsage;
  }
  for (const auto& r : a.pprof) {
    std::FILE* f = std::fopen(r.path.c_str(), "ab");
    if (f == nullptr) {
      fmt::print(stderr, "tracebench inspect: --pprof cannot write '{}': {}\n", r.path, std::strerror(errno));
      return kExitUsage;
    }
    std::fclose(f);
  }
  return std::nullopt;
}

// Reads the trace (and its goroutine states when asked) and prints the summary.
void inspect_trace(InspectArgs& a) {
  tr::AnalyzeOptions options;
  options.strict = !a.keep_going;
  options.top_goroutines = a.top;
  options.goroutines = options.annotations = !a.counts_only;
  options.threads = a.threads == 0 ? 1 : a.threads;
  tr::TraceSummary s = tr::analyze_file(a.path, options);
  auto diags = tr::diagnose(s);
  // The states need every goroutine transition in time order: a pass of their own.
  std::optional<tr::StateAnalysis> st;
  std::vector<std::string> written;
  const bool breakdown = !a.counts_only && !a.no_breakdown && a.path != "-";
  if (breakdown || !a.pprof.empty()) {
    a.states.strict = options.strict;
    a.states.top_functions = a.top;
    st = tr::analyze_states(a.path, a.states);
    written = write_profiles(*st, a.pprof);
  }
  if (a.json) {
    nlohmann::json j = to_json(s, diags);
    if (breakdown) j["time_breakdown"] = breakdown_json(*st, a.path);
    fmt::print("{}\n", j.dump(2));
    for (const auto& line : written) fmt::print(stderr, "{}\n", line);
  } else {
    print_text(s, diags, a.kinds);
    if (breakdown) print_breakdown_text(*st, a.path);
    if (!written.empty()) fmt::print("\n");
    for (const auto& line : written) fmt::print("{}\n", line);
  }
}

}  // namespace

int inspect_command(const std::vector<std::string>& args) {
  InspectArgs a;
  if (const auto code = parse_inspect_args(args, a)) return *code;
  if (const auto code = refuse_what_cannot_be_done(a)) return *code;
  try {
    if (a.wire) {
      auto source = tr::open_trace_source(a.path);
      tr::dump_wire(*source, stdout);
      return kExitOk;
    }
    inspect_trace(a);
    return kExitOk;
  } catch (const tr::FormatError& e) {
    std::fflush(stdout);
    fmt::print(stderr, "tracebench inspect: {}: {}{}\n", a.path, e.what(),
               a.keep_going ? "" : " (--keep-going reads past bad records where it can)");
    return kExitUsage;
  } catch (const tr::IoError& e) {
    fmt::print(stderr, "tracebench inspect: {}\n", e.what());
    return kExitUsage;
  }
}

}  // namespace tracebench::cli
