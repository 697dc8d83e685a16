#pragma once
// What the decoder (decoder.h) hands to its sink, and the TraceSink concept: the
// callbacks a sink provides. All of them are called on the interpreting thread (the
// only thread that touches the sink), per generation in this order: begin_generation;
// goroutine_created / goroutine_destroyed / user_event / event / slice in file order
// within each event batch, batch after batch; cpu_sample for each sample; then
// end_generation.
//
// Goroutine attribution ("whose event is it"): each thread (M) has a current
// goroutine, kept across batches and generations as in the Go reader's ordering:
// GoStart, GoStatus(Running) and GoCreateSyscall bind one; GoStop, GoBlock,
// GoDestroy(Syscall) and GoSyscallEndBlocked unbind it; GoSwitch(Destroy) hands over.
// An event belongs to the goroutine running when it was emitted, except that
// GoStart/GoCreateSyscall/a binding GoStatus belong to the goroutine they bind.
// Events of a thread with no goroutine (the scheduler, idle Ps) get kNoGoroutine.

#include <array>
#include <concepts>
#include <cstdint>

#include "trace/format.h"
#include "trace/generation_info.h"

namespace tracebench::trace {

struct DecodedEvent {
  std::uint8_t type = 0;
  std::uint32_t size = 0;       // wire bytes, type byte included
  std::int64_t ts_ns = 0;
  std::uint64_t m = 0;          // thread of the batch (kNoThread for late status batches)
  std::uint64_t g = kNoGoroutine;  // goroutine the event belongs to (see above)
  std::uint64_t offset = 0;     // file offset of the type byte
  std::array<std::uint64_t, 4> args{};  // wire args after dt, in spec order
};

struct CpuSampleEvent {
  std::int64_t ts_ns = 0;
  std::uint64_t m = 0, p = 0, g = 0, stack = 0;
  std::uint64_t offset = 0;
};

namespace detail {
// Stands for the leave_stack callable that slice() receives.
struct LeaveStackArchetype {
  std::uint64_t operator()() const { return 0; }
};
}  // namespace detail

// The decoder counts every event and byte by type itself (GenerationInfo::counts), so
// a sink sees only what it asks for; the wants_* and wanted_* members are read once,
// when the decoder is constructed.
template <class S>
concept TraceSink = requires(S& sink, const S& csink, std::uint8_t type, std::int64_t ts_ns, std::uint64_t id,
                             const GenerationInfo& info, const GenerationTables& tables, const DecodedEvent& event,
                             const CpuSampleEvent& sample, detail::LeaveStackArchetype leave_stack) {
  // Types to hand to event(), and per type how many args (dt included) it reads: that
  // prefix is decoded, the rest of DecodedEvent::args is left 0.
  { csink.wanted_events() } -> std::same_as<const std::array<bool, 256>&>;
  { csink.wanted_args() } -> std::same_as<const std::array<std::uint8_t, 256>&>;
  // Track goroutines: slice() calls and DecodedEvent::g (else g is always kNoGoroutine).
  { csink.wants_goroutines() } -> std::same_as<bool>;
  // With goroutines tracked: hand UserRegionBegin/End, UserTaskBegin/End and UserLog
  // to user_event() instead of event().
  { csink.wants_user_events() } -> std::same_as<bool>;
  // With goroutines tracked: hand GoCreate/GoCreateBlocked and GoDestroy(Syscall) to
  // goroutine_created() and goroutine_destroyed() instead of event().
  { csink.wants_lifecycle() } -> std::same_as<bool>;

  // A user annotation: its type, time, goroutine, thread, file offset and its first
  // three args after dt (0 beyond its own).
  { sink.user_event(type, ts_ns, id, id, id, id, id, id) } -> std::same_as<void>;
  // goid, time, start stack (GoCreate's new_stack).
  { sink.goroutine_created(id, ts_ns, id) } -> std::same_as<void>;
  // goid (kNoGoroutine when the thread had none), time.
  { sink.goroutine_destroyed(id, ts_ns) } -> std::same_as<void>;
  // tables stay valid until end_generation.
  { sink.begin_generation(info, tables) } -> std::same_as<void>;
  // Each timed event of a wanted type.
  { sink.event(event) } -> std::same_as<void>;
  // slice(g, events, bytes, leave_stack): consecutive events of one thread that belong
  // to goroutine g (kNoGoroutine: to none). leave_stack() returns the stack of the
  // GoStop/GoBlock that ended the run, or 0; it is decoded only if called. A template
  // in the sink: the decoder passes callables of several types.
  { sink.slice(id, id, id, leave_stack) } -> std::same_as<void>;
  { sink.cpu_sample(sample) } -> std::same_as<void>;
  // info is complete now (counts, times).
  { sink.end_generation(info) } -> std::same_as<void>;
};

}  // namespace tracebench::trace
