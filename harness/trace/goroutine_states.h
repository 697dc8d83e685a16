#pragma once
// Where goroutines spent their time: one pass over a trace that follows every
// goroutine's state (running, runnable, waiting by cause, in a syscall) and yields
//  - the four delay profiles of `go tool trace -pprof=KIND`: the time goroutines
//    spent waiting on synchronization (sync), on the network (net), in syscalls
//    (syscall) or runnable, waiting for a P (sched), attributed to the stack of the
//    event that put them in that state, with the same rules as cmd/trace (pprof.go);
//  - a breakdown of goroutine time by state, overall and per start function, and the
//    scheduler-latency distribution (runnable -> running).
//
//   auto a = tracebench::trace::analyze_states("mutex.trace", {});
//   a.profiles[kind_index(ProfileKind::kSync)].samples, a.breakdown.running_ns, ...
//
// Units: nanoseconds of the trace clock; times in filters are relative to the trace's
// first event.
//
// Ordering: the decoder hands events over thread by thread; a goroutine's transitions
// come from several threads, so each generation's transitions are sorted per
// goroutine by time before they are followed (equal times: the order the states
// allow). Memory: one generation's transitions, the live goroutines' states and the
// distinct stacks of the profiles; never the whole file.
//
// Errors: as analyze.h (IoError, FormatError in strict mode); a truncated trace is
// read as far as it goes (analyze.h's summary says what was cut).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tracebench::trace {

class TraceSource;

enum class ProfileKind : std::uint8_t { kSync, kNet, kSyscall, kSched };
inline constexpr std::size_t kProfileKindCount = 4;
std::string_view profile_kind_name(ProfileKind kind);  // "sync", "net", "syscall", "sched"
// The kind named `name`, or nullopt.
std::optional<ProfileKind> parse_profile_kind(std::string_view name);
inline std::size_t kind_index(ProfileKind kind) { return static_cast<std::size_t>(kind); }

// What a goroutine waited on, from the GoBlock reason the runtime wrote.
enum class WaitCause : std::uint8_t { kSync, kChannel, kSelect, kNetwork, kSleep, kGc, kOther, kUnknown };
inline constexpr std::size_t kWaitCauseCount = 8;
std::string_view wait_cause_name(WaitCause cause);

struct ProfileFrame {
  std::uint64_t pc = 0;
  std::string function;
  std::string file;
  std::int64_t line = 0;
};

struct ProfileSample {
  std::vector<std::uint32_t> frames;  // indexes into DelayProfile::frames, innermost first; empty: no stack
  std::uint64_t count = 0;            // intervals
  std::int64_t delay_ns = 0;
};

struct DelayProfile {
  ProfileKind kind = ProfileKind::kSync;
  std::vector<ProfileFrame> frames;    // one per distinct PC
  std::vector<ProfileSample> samples;  // one per distinct stack, by delay descending
  std::uint64_t intervals_without_stack = 0;  // counted under an empty stack
  std::int64_t total_delay_ns() const;
  std::uint64_t total_count() const;
};

// Time per state, summed over goroutines.
struct StateTimes {
  std::int64_t running_ns = 0;
  std::int64_t runnable_ns = 0;
  std::int64_t syscall_ns = 0;
  std::array<std::int64_t, kWaitCauseCount> waiting_ns{};  // by WaitCause
  std::int64_t waiting_total_ns() const;
  std::int64_t total_ns() const;
};

struct FunctionTimes {
  std::string start_function;  // "" when unknown
  std::uint64_t goroutines = 0;
  StateTimes times;
};

struct TimeBreakdown {
  StateTimes all;
  std::vector<FunctionTimes> by_function;  // by total time, descending (top N)
  std::uint64_t goroutines = 0;            // goroutines with time counted
  std::uint64_t created = 0;               // of which created during the trace
  std::int64_t span_ns = 0;                // the time covered (window or whole trace)
  // Scheduler latency: each runnable -> running interval.
  std::uint64_t sched_count = 0;
  std::int64_t sched_p50_ns = 0;
  std::int64_t sched_p99_ns = 0;
  std::int64_t sched_max_ns = 0;
};

struct StateFilter {
  std::string start_function;  // only goroutines started by this function ("" all)
  std::string region;          // only time spent inside user regions of this name ("" all)
  std::optional<std::int64_t> from_ns, to_ns;  // window, relative to the first event
};

struct StateOptions {
  bool strict = true;
  StateFilter filter;
  std::size_t top_functions = 10;
};

struct StateAnalysis {
  std::array<DelayProfile, kProfileKindCount> profiles;
  TimeBreakdown breakdown;
  std::int64_t first_event_ns = 0;
  std::int64_t last_event_ns = 0;
  std::uint64_t file_bytes = 0;
  double parse_seconds = 0;
  double parse_mb_per_second() const;
};

// Follows goroutine states through the trace at path ("-": stdin) or any source.
StateAnalysis analyze_states(const std::string& path, const StateOptions& options = {});
StateAnalysis analyze_states_source(TraceSource& source, const StateOptions& options = {});

}  // namespace tracebench::trace
