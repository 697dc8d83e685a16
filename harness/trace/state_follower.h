#pragma once
// The decoder's sink for goroutine_states.h: collects one generation's goroutine
// transitions, then (at the generation's end, while its tables are valid) sorts them
// per goroutine by time and follows each goroutine's state, adding every finished
// interval to the breakdown and, where cmd/trace would, to a delay profile.
//
// One thread; no errors of its own (the decoder validated every event it hands over).

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "trace/duration_histogram.h"
#include "trace/format.h"
#include "trace/generation_info.h"
#include "trace/goroutine_states.h"
#include "trace/id_map.h"
#include "trace/profile_stacks.h"
#include "trace/tables.h"
#include "trace/trace_sink.h"

namespace tracebench::trace {

class StateFollower {
 public:
  explicit StateFollower(const StateOptions& options);

  // TraceSink (trace_sink.h).
  const std::array<bool, 256>& wanted_events() const { return wanted_; }
  const std::array<std::uint8_t, 256>& wanted_args() const { return wanted_args_; }
  bool wants_goroutines() const { return true; }
  bool wants_user_events() const { return false; }
  bool wants_lifecycle() const { return false; }
  void user_event(std::uint8_t, std::int64_t, std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t,
                  std::uint64_t, std::uint64_t) {}
  void goroutine_created(std::uint64_t, std::int64_t, std::uint64_t) {}
  void goroutine_destroyed(std::uint64_t, std::int64_t) {}
  template <class StackOf>
  void slice(std::uint64_t, std::uint64_t, std::uint64_t, StackOf) {}
  void cpu_sample(const CpuSampleEvent&) {}
  void begin_generation(const GenerationInfo& info, const GenerationTables& tables);
  void event(const DecodedEvent& e);
  void end_generation(const GenerationInfo& info);

  // Closes what is still open at the trace's end into the breakdown and writes the
  // results (profiles, breakdown, first/last event) to out.
  void finish(StateAnalysis& out);

 private:
  enum class State : std::uint8_t { kUnknown, kNotExist, kRunnable, kRunning, kSyscall, kWaiting };
  enum class Op : std::uint8_t {
    kCreate, kCreateBlocked, kCreateSyscall, kStart, kStop, kBlock, kUnblock, kSwitchAway,
    kSyscallBegin, kSyscallEnd, kSyscallEndBlocked, kDestroy, kDestroySyscall, kStatus, kRegionBegin, kRegionEnd
  };
  // One transition of one goroutine, as read (stack and reason still IDs of the
  // generation's tables).
  // IDs of the generation's tables are dense from 1; one beyond 32 bits (a corrupt
  // trace) is kept as 0, no stack or the empty string.
  struct Transition {
    std::int64_t ts_ns = 0;
    std::uint32_t stack = 0;   // the event's stack (Go's Event.Stack()), 0 none
    std::uint32_t aux = 0;     // kBlock: reason string; kStatus: status; kCreate: new_stack; regions: name
    std::uint32_t gi = 0;      // the goroutine: index into gids_
    std::uint32_t order = 0;   // arrival within the generation (file order within a thread)
    Op op = Op::kStatus;
  };
  struct Delay {
    ProfileKind kind = ProfileKind::kSync;
    std::uint32_t stack_key = 0;
    bool no_stack = false;
    std::int64_t ns = 0;
  };
  struct Goroutine {
    State state = State::kUnknown;
    std::int64_t since_ns = 0;
    std::uint32_t stack_key = 0;  // ProfileStacks key of the event that began the state
    WaitCause cause = WaitCause::kUnknown;
    bool sync_reason = false;     // cmd/trace's sync rule: reason holds chan, sync or select
    bool net_reason = false;
    bool no_stack = false;        // the event that began the state had no stack
    bool created = false;
    bool counted = false;         // has added time to the breakdown
    // cmd/trace clips every delay to the goroutine's life from its first run in the
    // trace (GoroutineSummary.StartTime), if it ever runs: intervals that end before
    // then wait here until it runs (dropped) or the trace ends (kept). At most a wait
    // and a runnable interval, as a goroutine that has not run cannot block again.
    bool ran = false;
    std::vector<Delay> before_first_run;
    std::uint32_t name = 0;       // start function (names_), 0 unknown
    std::uint32_t region_depth = 0;  // open regions of the filter's name
  };
  struct FunctionAcc {
    std::uint64_t goroutines = 0;
    StateTimes times;
  };
  struct ReasonInfo {
    WaitCause cause = WaitCause::kUnknown;
    bool sync = false, net = false;
  };

  static bool accepts(State s, Op op);
  void group_by_goroutine();
  void push(std::int64_t ts, std::uint64_t g, Op op, std::uint64_t stack, std::uint64_t aux);
  void follow(Goroutine& gs, const Transition& t);
  // Ends gs's current state at ts_ns (profiles only when `into_profiles`).
  void close(Goroutine& gs, std::int64_t ts_ns, bool into_profiles, bool started);
  void begin_state(Goroutine& gs, State s, std::int64_t ts_ns, std::uint64_t stack, ReasonInfo reason);
  ReasonInfo reason_of(std::uint64_t string_id);
  std::uint32_t name_of_frame(std::uint64_t stack_id, bool outermost);
  std::int64_t window_overlap(std::int64_t a, std::int64_t b) const;
  static void add_time(StateTimes& times, const Goroutine& gs, std::int64_t d);
  void add_delay(const Delay& d);
  // A goroutine leaves the trace (exit, or the trace's end): its held delays count.
  void flush_before_first_run(Goroutine& gs);

  StateOptions options_;
  std::array<bool, 256> wanted_{};
  std::array<std::uint8_t, 256> wanted_args_{};
  const GenerationTables* tables_ = nullptr;
  // This generation's transitions in arrival order, and grouped by goroutine (a
  // counting sort: the groups keep arrival order, then each is ordered by time).
  std::vector<Transition> pending_, grouped_;
  IdMap<std::uint32_t> gindex_;       // goroutine ID -> index, this generation
  std::vector<std::uint64_t> gids_;   // index -> goroutine ID
  std::vector<std::uint32_t> group_start_, scatter_;
  std::vector<std::size_t> runs_;         // group_by_goroutine's run boundaries
  std::unordered_map<std::uint64_t, Goroutine> goroutines_;
  std::unordered_map<std::uint64_t, ReasonInfo> reasons_;  // per generation, by string ID
  NameTable names_{4096};
  std::uint32_t filter_name_ = 0;  // names_ ID of options_.filter.start_function
  ProfileStacks stacks_;
  std::array<std::unordered_map<std::uint32_t, std::pair<std::uint64_t, std::int64_t>>, kProfileKindCount> samples_;
  std::array<std::uint64_t, kProfileKindCount> without_stack_{};
  StateTimes all_;
  std::vector<FunctionAcc> functions_;  // by names_ ID
  std::uint64_t goroutines_counted_ = 0, created_counted_ = 0;
  DurationHistogram sched_latency_;
  bool have_first_ = false;
  std::int64_t first_ns_ = 0, last_ns_ = 0;
  std::int64_t from_ns_ = 0, to_ns_ = 0;  // absolute window, set once the first event is known
  // No transition is followed before this (Go's reader keeps time from going backwards).
  std::int64_t previous_generation_end_ns_ = std::numeric_limits<std::int64_t>::min();
};

static_assert(TraceSink<StateFollower>);

}  // namespace tracebench::trace
