#pragma once
// Per-goroutine accounting: the events and bytes each goroutine's slices hold
// (trace_sink.h says whose an event is), creation and destruction times, the start
// function that names it; at the end the top goroutines and start functions by
// events, and lifetimes. Goroutines that ended are folded into the totals when their
// generation ends, so memory follows the live goroutines, not the file.
//
// One thread (the interpreting one); no errors.

#include <array>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "trace/analyze.h"
#include "trace/duration_histogram.h"
#include "trace/format.h"
#include "trace/id_map.h"
#include "trace/name_resolver.h"

namespace tracebench::trace {

class GoroutineAccounting {
 public:
  // per_goroutine: false counts only the events without a goroutine. names and out
  // must outlive this; out.seen and the *_without_goroutine counts grow as events
  // come, the rest is written by finish().
  GoroutineAccounting(bool per_goroutine, std::size_t top_goroutines, NameResolver& names, GoroutineStats& out)
      : per_goroutine_(per_goroutine), top_goroutines_(top_goroutines), names_(names), out_(out) {}

  // A run of events of goroutine g (kNoGoroutine: of none); leave_stack() as in
  // TraceSink::slice.
  template <class StackOf>
  [[gnu::always_inline]] void slice(std::uint64_t g, std::uint64_t events, std::uint64_t bytes, StackOf leave_stack) {
    if (!per_goroutine_ || g == kNoGoroutine) {
      out_.events_without_goroutine += g == kNoGoroutine ? events : 0;
      out_.bytes_without_goroutine += g == kNoGoroutine ? bytes : 0;
      return;
    }
    GoroutineSlot& s = slots_[slot_for(g)];
    s.events += events;
    s.bytes += bytes;
    // Name goroutines that predate the capture from the root of a blocking stack.
    if (s.name == 0) [[unlikely]] {
      if (const std::uint64_t stack = leave_stack(); stack != 0) s.name = names_.root_function(stack);
    }
  }
  // name: of its start function, 0 when unknown.
  void created(std::uint64_t goid, std::int64_t ts_ns, std::uint32_t name) {
    GoroutineSlot& s = slots_[slot_for(goid)];
    s.created = true;
    s.created_ns = ts_ns;
    if (name != 0) s.name = name;
  }
  void destroyed(std::uint64_t goid, std::int64_t ts_ns) {
    // The destroyed goroutine is normally the one whose event this is.
    std::uint32_t idx = slot_for(goid);
    GoroutineSlot& s = slots_[idx];
    if (s.destroyed) return;
    s.destroyed = true;
    s.destroyed_ns = ts_ns;
    destroyed_this_gen_.push_back(idx);
  }
  // A goroutine's status at a generation start, with its stack: names it if new.
  void status_stack(std::uint64_t goid, std::uint64_t stack) {
    GoroutineSlot& s = slots_[slot_for(goid)];
    if (s.name == 0) s.name = names_.root_function(stack);
  }

  void end_generation();
  void finish();

 private:
  static constexpr std::uint32_t kNoSlot = std::numeric_limits<std::uint32_t>::max();

  struct GoroutineSlot {
    std::uint64_t goid = 0;
    std::uint64_t events = 0;
    std::uint64_t bytes = 0;
    std::int64_t created_ns = 0;
    std::int64_t destroyed_ns = 0;
    std::uint32_t name = 0;  // NameTable ID of the start function, 0 unknown
    bool created = false;
    bool destroyed = false;
  };
  struct FunctionAcc {
    std::uint64_t goroutines = 0, created = 0, events = 0, bytes = 0;
  };

  // The slot of a goroutine. A small direct-mapped cache in front of the hash map:
  // a thread alternates between few goroutines (ping-pong, worker and timer).
  [[gnu::always_inline]] std::uint32_t slot_for(std::uint64_t goid) {
    SlotCacheEntry& e = slot_cache_[goid & (kSlotCache - 1)];
    if (e.goid == goid && e.slot != kNoSlot) [[likely]]
      return e.slot;
    e.goid = goid;
    e.slot = slot_lookup(goid);
    return e.slot;
  }
  [[gnu::noinline]] std::uint32_t slot_lookup(std::uint64_t goid);
  void fold(const GoroutineSlot& s);

  bool per_goroutine_;
  std::size_t top_goroutines_;
  NameResolver& names_;
  GoroutineStats& out_;
  static constexpr std::size_t kSlotCache = 8;
  struct SlotCacheEntry {
    std::uint64_t goid = 0;
    std::uint32_t slot = kNoSlot;
  };
  std::array<SlotCacheEntry, kSlotCache> slot_cache_{};
  IdMap<std::uint32_t> slot_index_;
  std::vector<GoroutineSlot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::uint32_t> destroyed_this_gen_;
  std::vector<FunctionAcc> functions_;
  std::vector<std::pair<GoroutineTalker, std::uint32_t>> top_;  // min-heap by events
  DurationHistogram lifetimes_;
};

}  // namespace tracebench::trace
