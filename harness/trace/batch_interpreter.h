#pragma once
// The third stage of decoding (decoder.h): interprets the special events a scan noted
// (batch_notes.h), in file order — goroutine attribution (see trace_sink.h) and the
// sink's calls. Each thread's current goroutine is kept across batches and
// generations. Touches the sink only; no errors of its own (the scan validated every
// noted event). One thread: the one that owns the sink.

#include <algorithm>
#include <array>
#include <cstdint>

#include "trace/batch_notes.h"
#include "trace/event_plan.h"
#include "trace/format.h"
#include "trace/generation_reader.h"
#include "trace/id_map.h"
#include "trace/tokenizer.h"
#include "trace/trace_sink.h"
#include "trace/varint_fast.h"

namespace tracebench::trace {

template <TraceSink Sink>
class BatchInterpreter {
 public:
  // arg_counts: event_batch_arg_counts of the trace's version. sink must outlive this.
  BatchInterpreter(const EventPlan& plan, const std::array<std::int8_t, 256>& arg_counts, Sink& sink)
      : plan_(plan), arg_counts_(arg_counts), sink_(sink) {}

  void begin(const PreparedGeneration& g) { sink_.begin_generation(g.info, *g.tables); }
  // The noted events of one scanned batch of g; g's bytes must be addressable.
  void interpret(const PreparedGeneration& g, const BatchNotes& notes);
  void end(const PreparedGeneration& g) {
    for (const CpuSampleEvent& c : g.cpu_samples) sink_.cpu_sample(c);
    sink_.end_generation(g.info);
  }

 private:
  struct MState {
    std::uint64_t g = kNoGoroutine;
  };
  // Per-batch state of goroutine attribution, touched only by special events.
  struct BatchState {
    const BatchRef* b = nullptr;
    const std::uint8_t* base = nullptr;
    const std::uint8_t* end = nullptr;
    std::uint64_t cur_g = kNoGoroutine;
    const std::uint8_t* slice_start = nullptr;  // first byte of the current goroutine's run
    std::uint64_t slice_events = 0;
  };

  static std::uint64_t no_stack() { return 0; }
  // Ends the current goroutine's run at `at` (a slice to the sink if it has events).
  template <class StackOf = decltype(&no_stack)>
  [[gnu::always_inline]] void cut(BatchState& st, const std::uint8_t* at, StackOf leave_stack = &no_stack) {
    if (st.slice_events != 0)
      sink_.slice(st.cur_g, st.slice_events, static_cast<std::uint64_t>(at - st.slice_start), leave_stack);
    st.slice_start = at;
    st.slice_events = 0;
  }
  template <std::uint8_t kType, int kArgs>
  [[gnu::always_inline]] inline void user_event(const BatchState& st, const std::uint8_t* start,
                                                const std::uint8_t* stop, std::uint64_t ts);
  [[gnu::noinline]] void handle_special(BatchState& st, const std::uint8_t* start, const std::uint8_t* p,
                                        std::uint8_t type, int nargs, std::uint64_t ts);

  const EventPlan plan_;
  const std::array<std::int8_t, 256>& arg_counts_;
  Sink& sink_;
  IdMap<MState> ms_;
};

// A user annotation event of type kType, with kArgs args after dt, to the sink.
template <TraceSink Sink>
template <std::uint8_t kType, int kArgs>
inline void BatchInterpreter<Sink>::user_event(const BatchState& st, const std::uint8_t* start,
                                               const std::uint8_t* stop, std::uint64_t ts) {
  std::uint64_t a[4] = {0, 0, 0, 0};
  const std::uint8_t* q = start + 1;
  while (*q >= 0x80) ++q;  // skip dt, known already
  ++q;
  for (int i = 1; i <= kArgs; ++i) q = detail::decode_valid_uvarint(q, stop, a[i]);
  sink_.user_event(kType, static_cast<std::int64_t>(ts), st.cur_g, st.b->m,
                   st.b->payload_offset + static_cast<std::uint64_t>(start - st.base), a[1], a[2], a[3]);
}

// Goroutine attribution and the noted events of one batch, in file order.
template <TraceSink Sink>
void BatchInterpreter<Sink>::interpret(const PreparedGeneration& g, const BatchNotes& sb) {
  const BatchRef& b = g.batches[sb.batch];
  const std::uint8_t* const base = sb.base;
  const EventAction* const action_of = plan_.action.data();
  const std::int8_t* const nargs_of = arg_counts_.data();
  BatchState st;
  st.b = &b;
  st.base = base;
  st.end = base + b.payload_bytes;
  st.slice_start = base;
  if (b.m != kNoThread && plan_.track_goroutines) st.cur_g = ms_.try_emplace(b.m).first->g;
  std::uint64_t unattributed = 0;  // index of the first event not yet in a slice
  const SpecialRef* ref = sb.specials.data();
  const SpecialRef* const refs_end = ref + sb.specials.size();
  for (; ref != refs_end; ++ref) {
    const std::uint8_t* const start = base + ref->start;
    const std::uint8_t* const stop = start + ref->size;
    const std::uint8_t type = ref->type;
    st.slice_events += ref->index + 1u - unattributed;  // this event and the plain ones before it
    unattributed = ref->index + 1u;
    switch (action_of[type]) {
      case EventAction::kInlineStart:  // GoStart: the event belongs to the goroutine it starts
        --st.slice_events;
        cut(st, start);
        st.slice_events = 1;
        st.cur_g = detail::nth_uvarint(start + 1, stop, 1);
        break;
      case EventAction::kInlineLeave:  // GoStop, GoBlock: the event belongs to the goroutine leaving
        cut(st, stop, [start, stop] { return detail::nth_uvarint(start + 1, stop, 2); });
        st.cur_g = kNoGoroutine;
        break;
      case EventAction::kInlineCreate: {  // GoCreate, GoCreateBlocked: new_g, new_stack
        std::uint64_t a[3] = {0, 0, 0};
        const std::uint8_t* q = start + 1;
        for (int i = 0; i < 3; ++i) q = detail::decode_valid_uvarint(q, stop, a[i]);
        sink_.goroutine_created(a[1], static_cast<std::int64_t>(ref->ts), a[2]);
        break;
      }
      case EventAction::kInlineDestroy:  // GoDestroy(Syscall): the event belongs to the goroutine ending
        sink_.goroutine_destroyed(st.cur_g, static_cast<std::int64_t>(ref->ts));
        cut(st, stop);
        st.cur_g = kNoGoroutine;
        break;
      // Tasks, regions, logs: up to three args after dt.
      case EventAction::kInlineRegionBegin:
        user_event<kEvUserRegionBegin, 2>(st, start, stop, ref->ts);
        break;
      case EventAction::kInlineRegionEnd:
        user_event<kEvUserRegionEnd, 2>(st, start, stop, ref->ts);
        break;
      case EventAction::kInlineTaskBegin:
        user_event<kEvUserTaskBegin, 3>(st, start, stop, ref->ts);
        break;
      case EventAction::kInlineTaskEnd:
        user_event<kEvUserTaskEnd, 1>(st, start, stop, ref->ts);
        break;
      case EventAction::kInlineLog:
        user_event<kEvUserLog, 2>(st, start, stop, ref->ts);
        break;
      default:
        handle_special(st, start, stop, type, nargs_of[type], ref->ts);
    }
  }
  st.slice_events += sb.events - unattributed;
  if (plan_.track_goroutines) cut(st, base + sb.end);
  if (b.m != kNoThread && plan_.track_goroutines) ms_.try_emplace(b.m).first->g = st.cur_g;
}

template <TraceSink Sink>
void BatchInterpreter<Sink>::handle_special(BatchState& st, const std::uint8_t* start, const std::uint8_t* p,
                                            std::uint8_t type, int nargs, std::uint64_t ts) {
  // Decode the argument prefix someone reads (dt, index 0, is already known).
  std::uint64_t a[5] = {0, 0, 0, 0, 0};
  const int wanted = std::min<int>(plan_.args_needed[type], nargs);
  if (wanted > 1) {
    const std::uint8_t* q = start + 1;
    for (int i = 0; i < wanted; ++i) q = detail::decode_valid_uvarint(q, p, a[i]);  // validated by the caller
  }
  const BatchRef& b = *st.b;
  DecodedEvent ev;
  ev.m = b.m;
  ev.type = type;
  ev.size = static_cast<std::uint32_t>(p - start);
  ev.ts_ns = static_cast<std::int64_t>(ts);
  ev.offset = b.payload_offset + static_cast<std::uint64_t>(start - st.base);
  ev.args = {a[1], a[2], a[3], a[4]};
  ev.g = st.cur_g;
  if (!plan_.track_goroutines) {
    sink_.event(ev);
    return;
  }
  switch (type) {
    case kEvGoStart:
    case kEvGoCreateSyscall:  // the event belongs to the goroutine it binds
      --st.slice_events;
      cut(st, start);
      ++st.slice_events;
      st.cur_g = ev.g = a[1];
      break;
    case kEvGoSwitch:
    case kEvGoSwitchDestroy:  // the event belongs to the goroutine switching away
      cut(st, p);
      st.cur_g = a[1];
      break;
    case kEvGoStatus:
    case kEvGoStatusStack: {
      if (b.m == kNoThread) break;
      const auto status = static_cast<GoStatus>(a[3] < 5 ? a[3] : 0);
      if (status == GoStatus::kRunning || (status == GoStatus::kSyscall && a[2] == b.m)) {
        --st.slice_events;
        cut(st, start);
        ++st.slice_events;
        st.cur_g = ev.g = a[1];
      } else if (status == GoStatus::kSyscall && a[2] != kNoThread) {
        // A goroutine blocked in a syscall on another thread all generation long.
        MState* other = ms_.try_emplace(a[2]).first;
        if (other->g == kNoGoroutine) other->g = a[1];
      }
      break;
    }
    default:
      break;
  }
  if (plan_.hand_over[type]) sink_.event(ev);
  switch (type) {
    case kEvGoStop:
    case kEvGoBlock:
    case kEvGoDestroy:
    case kEvGoDestroySyscall:
    case kEvGoSyscallEndBlocked:  // the event belongs to the goroutine leaving
      cut(st, p);
      st.cur_g = kNoGoroutine;
      break;
    default:
      break;
  }
}

}  // namespace tracebench::trace
