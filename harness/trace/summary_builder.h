#pragma once
// The decoder's sink for analyze.h: everything tracebench computes from a trace in
// one pass, composed of one part per section of the summary —
//   trace_totals.h          counts, span, generations, truncation
//   goroutine_accounting.h  per-goroutine events and bytes, start functions, lifetimes
//   gc_accounting.h         GC cycles, STW pauses, heap, GOMAXPROCS
//   annotations.h           regions, tasks and logs
// with the names they share resolved by name_resolver.h.
//
// Thread safety: a TraceSink, called on the interpreting thread; with deferred
// matching (defer_matching), match_pending() and match_some() on any thread, one at a
// time. finish() once decoding and matching are done.
// Errors: bad records found while interpreting go to issues (FormatError in strict
// mode), those found while matching regions and tasks to match_issues (kept apart, as
// matching may run on another thread).

#include <array>
#include <cstdint>
#include <functional>

#include "trace/analyze.h"
#include "trace/annotations.h"
#include "trace/errors.h"
#include "trace/format.h"
#include "trace/gc_accounting.h"
#include "trace/generation_info.h"
#include "trace/goroutine_accounting.h"
#include "trace/name_resolver.h"
#include "trace/trace_sink.h"
#include "trace/trace_totals.h"

namespace tracebench::trace {

class SummaryBuilder {
 public:
  // options, out, issues and match_issues must outlive the builder.
  SummaryBuilder(const AnalyzeOptions& options, TraceSummary& out, IssueCounts& issues, IssueCounts& match_issues);

  // TraceSink (trace_sink.h).
  const std::array<bool, 256>& wanted_events() const { return wanted_; }
  const std::array<std::uint8_t, 256>& wanted_args() const { return wanted_args_; }
  bool wants_goroutines() const { return opt_.goroutines || opt_.annotations; }
  bool wants_user_events() const { return opt_.annotations; }
  bool wants_lifecycle() const { return opt_.goroutines; }

  void goroutine_created(std::uint64_t goid, std::int64_t ts_ns, std::uint64_t start_stack) {
    goroutines_.created(goid, ts_ns, names_.start_function(start_stack));
  }
  void goroutine_destroyed(std::uint64_t goid, std::int64_t ts_ns) {
    if (goid != kNoGoroutine) goroutines_.destroyed(goid, ts_ns);
    if (opt_.annotations) annotations_.goroutine_destroyed(goid);
  }
  [[gnu::always_inline]] void user_event(std::uint8_t type, std::int64_t ts_ns, std::uint64_t g, std::uint64_t m,
                                         std::uint64_t offset, std::uint64_t a1, std::uint64_t a2, std::uint64_t a3) {
    annotations_.user_event(type, ts_ns, g, m, offset, a1, a2, a3);
  }
  void begin_generation(const GenerationInfo& info, const GenerationTables& tables);
  template <class StackOf>
  [[gnu::always_inline]] void slice(std::uint64_t g, std::uint64_t events, std::uint64_t bytes, StackOf leave_stack) {
    goroutines_.slice(g, events, bytes, leave_stack);
  }
  void event(const DecodedEvent& e) {
    switch (e.type) {
      case kEvGoCreate:
      case kEvGoCreateBlocked:  // only when counts-only mode asked for them: nothing to do
        break;
      case kEvGoCreateSyscall:
        if (opt_.goroutines) goroutines_.created(e.args[0], e.ts_ns, 0);
        break;
      case kEvGoDestroy:
      case kEvGoDestroySyscall:
      case kEvGoSwitchDestroy:
        if (opt_.goroutines && e.g != kNoGoroutine) goroutines_.destroyed(e.g, e.ts_ns);
        if (opt_.annotations) annotations_.goroutine_destroyed(e.g);
        break;
      case kEvGoStatusStack:
        if (e.args[3] != 0) goroutines_.status_stack(e.args[0], e.args[3]);
        break;
      case kEvGCBegin:
        gc_.gc_begin(e.args[0], e.ts_ns);
        break;
      case kEvGCActive:
        gc_.gc_active(e.args[0]);
        break;
      case kEvGCEnd:
        gc_.gc_end(e.args[0], e.ts_ns);
        break;
      case kEvSTWBegin:
        gc_.stw_begin(e.m, e.ts_ns);
        break;
      case kEvSTWEnd:
        gc_.stw_end(e.m, e.ts_ns);
        break;
      case kEvHeapAlloc:
        gc_.heap_alloc(e.args[0]);
        break;
      case kEvHeapGoal:
        gc_.heap_goal(e.args[0]);
        break;
      case kEvProcsChange:
        gc_.procs_change(e.args[0]);
        break;
      default:
        break;
    }
  }
  void cpu_sample(const CpuSampleEvent&) {}
  void end_generation(const GenerationInfo& info);

  // See Annotations::defer_matching, match_pending and match_some.
  void defer_matching(std::function<void(const std::function<bool()>&)> wait, std::function<void()> wake) {
    annotations_.defer_matching(std::move(wait), std::move(wake));
  }
  bool match_pending() const { return annotations_.match_pending(); }
  void match_some(std::size_t budget) { annotations_.match_some(budget); }

  // Writes what is left of the summary: totals, goroutines, regions, tasks, logs.
  void finish();

 private:
  const AnalyzeOptions& opt_;
  TraceSummary& out_;
  IssueCounts& issues_;
  std::array<bool, 256> wanted_{};
  std::array<std::uint8_t, 256> wanted_args_{};
  NameResolver names_;
  TraceTotals totals_;
  GoroutineAccounting goroutines_;
  GcAccounting gc_;
  Annotations annotations_;
};

static_assert(TraceSink<SummaryBuilder>);

}  // namespace tracebench::trace
