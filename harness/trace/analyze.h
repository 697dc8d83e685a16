#pragma once
// tracebench's Go execution-trace analysis: one pass over a trace (format v2, headers
// go 1.22 / 1.23 / 1.25 / 1.26) producing a TraceSummary.
//
//   auto s = tracebench::trace::analyze_file("cpu.trace");
//   s.span_ns, s.events_per_second(), s.window(), s.kinds[kEvGoStart].events, ...
//
// Units: times in nanoseconds of the trace clock (CLOCK_MONOTONIC on Linux; only
// differences are meaningful), sizes in bytes, rates per second of trace span,
// parse time in seconds of wall time.
//
// Memory: bounded by one generation (≈1 s of trace) plus tables whose size is capped
// by options (names, open regions/tasks) or bounded by live goroutines — never by
// the file: a mapped file's pages are dropped as soon as they are read (event
// batches, every MiB) or their generation is done (tables).
//
// Thread safety: the functions are reentrant; a summary is a plain value. With
// AnalyzeOptions::threads = 2 they use one helper thread besides the caller's.
//
// Errors: analyze_* throw IoError when the file cannot be read, and FormatError
// (offset, what was expected, what was found) when it is not a readable trace: not
// a trace, a v1 (go 1.21 or older) or unknown version, a broken batch header, and in
// strict mode (the default) any bad record. With strict = false a bad record inside
// an otherwise readable trace is counted in `issues` and reading goes on. A trace
// cut short is not an error: what was read is summarised and `truncated` says so.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "trace/errors.h"
#include "trace/format.h"

namespace tracebench::trace {

struct AnalyzeOptions {
  bool strict = true;                 // bad records throw FormatError; false: count and go on
  bool goroutines = true;             // per-goroutine attribution and top talkers
  bool annotations = true;            // user regions, tasks and logs
  std::size_t top_goroutines = 10;    // how many goroutines / start functions to keep
  std::size_t max_names = 4096;       // distinct names kept (regions, tasks, categories, functions)
  std::size_t max_open_annotations = 1 << 20;  // open regions + tasks tracked at once
  std::size_t max_generation_stats = 100000;   // per-generation rows kept (the rest are summed)
  // 1: everything on the calling thread (the default: no hidden threads, e.g. beside
  // a load test). 2: the caller frames, reads the tables and scans event batches
  // (counting every event) while a helper thread interprets them (goroutines,
  // regions, ...) a few batches behind (files and memory; a stream is always read in
  // one thread). Results are identical.
  unsigned threads = 1;
};

struct GenerationStats {
  std::uint64_t gen = 0;             // generation number written by the runtime
  std::uint64_t offset = 0;          // file offset of its first batch
  std::uint64_t bytes = 0;
  std::uint32_t batches = 0;
  std::uint64_t events = 0;          // timed events and CPU samples
  std::int64_t first_event_ns = 0;   // 0/0 when it holds no timed event
  std::int64_t last_event_ns = 0;
  bool end_marker = false;           // 1.26+: closed by its EndOfGeneration byte
  bool truncated = false;
};

// Durations of one named region or task type: count of matched begin/end pairs and
// quantiles (nearest rank, within 1% relative error) of their durations.
struct DurationStats {
  std::string name;
  std::uint64_t count = 0;
  std::int64_t total_ns = 0;
  std::int64_t min_ns = 0;
  std::int64_t p50_ns = 0;
  std::int64_t p99_ns = 0;
  std::int64_t max_ns = 0;
  std::uint64_t begun = 0;  // begin events seen (count + unfinished + mismatched)
};

struct NamedCount {
  std::string name;
  std::uint64_t count = 0;
};

struct GoroutineTalker {
  std::uint64_t goid = 0;
  std::string start_function;  // "" when unknown
  std::uint64_t events = 0;    // timed events attributed to it (see trace_sink.h)
  std::uint64_t bytes = 0;
  bool created_in_trace = false;
  bool destroyed_in_trace = false;
};

struct FunctionStats {
  std::string start_function;     // "" for goroutines whose start is unknown
  std::uint64_t goroutines = 0;   // goroutines seen with this start function
  std::uint64_t created = 0;      // of which created during the trace
  std::uint64_t events = 0;
  std::uint64_t bytes = 0;
};

struct GoroutineStats {
  std::uint64_t created = 0;    // GoCreate, GoCreateBlocked, GoCreateSyscall
  std::uint64_t destroyed = 0;  // GoDestroy, GoDestroySyscall, GoSwitchDestroy
  std::uint64_t seen = 0;       // distinct goroutines with at least one event
  std::uint64_t events_without_goroutine = 0;  // scheduler/idle-P events
  std::uint64_t bytes_without_goroutine = 0;
  std::uint64_t lifetimes = 0;  // goroutines created and destroyed within the trace
  std::int64_t lifetime_p50_ns = 0;
  std::int64_t lifetime_p99_ns = 0;
  std::vector<GoroutineTalker> top;       // by events, descending
  std::vector<FunctionStats> by_function; // by events, descending (top N)
};

struct GcStats {
  std::uint64_t cycles = 0;         // GCBegin events
  std::int64_t gc_total_ns = 0;     // sum of matched GCBegin..GCEnd
  std::uint64_t stw_pauses = 0;     // matched STWBegin..STWEnd
  std::int64_t stw_total_ns = 0;
  std::int64_t stw_max_ns = 0;
  std::uint64_t heap_alloc_max_bytes = 0;
  std::uint64_t heap_goal_last_bytes = 0;
  std::uint64_t gomaxprocs = 0;     // last ProcsChange value
};

struct TimeWindow {
  std::int64_t first_event_ns = 0;
  std::int64_t last_event_ns = 0;
  std::int64_t span_ns = 0;  // last - first, 0 when fewer than two events
};

struct IssueReport {
  std::string name;
  Severity severity = Severity::kInfo;
  std::uint64_t count = 0;
  std::uint64_t first_offset = 0;
  std::string first_detail;
};

struct TraceSummary {
  std::string path;
  GoVersion version = GoVersion::kGo126;
  std::uint64_t file_bytes = 0;     // size of the input (bytes read for streams)
  std::uint64_t bytes_read = 0;     // header + framed batches (< file_bytes if reading stopped)
  std::uint64_t generations = 0;
  std::vector<GenerationStats> generation_stats;  // in file order (capped by options)
  std::uint64_t batches = 0;

  std::uint64_t events = 0;         // every wire event, structural ones included
  std::uint64_t timed_events = 0;   // events with a timestamp (event batches + CPU samples)
  std::int64_t first_event_ns = 0;  // first and last timed event (CPU samples included)
  std::int64_t last_event_ns = 0;
  std::int64_t span_ns = 0;
  std::uint64_t ticks_per_second = 0;  // trace-clock frequency of the last generation
  bool frequency_assumed = false;      // no frequency event was read; 15.625 MHz assumed
  // Unix wall-clock time (ns) minus trace time, from the first clock snapshot (1.25+).
  std::optional<std::int64_t> wall_minus_trace_ns;
  // The tracing process's CLOCK_MONOTONIC minus trace time, from the same snapshot: with it a
  // trace's events can be placed on the clock of another process on the same machine.
  std::optional<std::int64_t> mono_minus_trace_ns;

  std::array<Counts, 256> kinds{};               // by wire event type (format.h)
  std::array<Counts, kCategoryCount> categories{};  // by Category
  // Batch-size varint padding (the runtime writes every size in 10 bytes): go tool
  // trace -d=footprint counts EventBatch / ExperimentalBatch bytes without it.
  std::uint64_t header_padding_bytes = 0;
  std::uint64_t experimental_padding_bytes = 0;
  std::uint64_t skipped_bytes = 0;         // bytes left unread after bad records

  GoroutineStats goroutines;
  std::vector<DurationStats> regions;  // by count, descending
  std::vector<DurationStats> tasks;
  std::vector<NamedCount> logs;        // UserLog events per category (key), descending
  GcStats gc;

  bool truncated = false;
  std::uint64_t truncated_offset = 0;
  std::string truncation;              // what was cut, in words
  std::vector<IssueReport> issues;     // nonzero counters only

  double parse_seconds = 0;

  double bytes_per_second() const;   // file bytes per second of span (0 if no span)
  double events_per_second() const;  // timed events per second of span
  double parse_mb_per_second() const;  // file MB (1e6 bytes) per second of parsing
  // The time a trace (e.g. a flight-recorder snapshot) really holds.
  TimeWindow window() const { return {first_event_ns, last_event_ns, span_ns}; }
};

// Analyses the trace at path ("-" reads stdin). See the errors above.
TraceSummary analyze_file(const std::string& path, const AnalyzeOptions& options = {});

// Analyses a trace held in memory (the caller keeps the bytes alive for the call).
TraceSummary analyze_bytes(std::span<const std::uint8_t> bytes, const AnalyzeOptions& options = {});

class TraceSource;
// Analyses any source (see source.h); `path` only labels the summary.
TraceSummary analyze_source(TraceSource& source, const std::string& path, const AnalyzeOptions& options = {});

}  // namespace tracebench::trace
