#pragma once
// GC and stop-the-world accounting: cycles and their total time, STW pauses, heap
// size and goal, GOMAXPROCS. Times in ns of the trace clock. Memory is bounded: the
// maps of unmatched begins and ends are cleared past a thousand entries (a corrupt
// trace), the open STW map holds one entry per thread up to 4096.
//
// One thread (the interpreting one); no errors.

#include <algorithm>
#include <cstdint>

#include "trace/analyze.h"
#include "trace/id_map.h"
#include "trace/tick_converter.h"

namespace tracebench::trace {

class GcAccounting {
 public:
  // out must outlive this; it is written as events come.
  explicit GcAccounting(GcStats& out) : out_(out) {}

  // GC cycles: the runtime numbers GCBegin, GCActive (a cycle still running at a
  // generation start) and GCEnd from one counter, so a cycle's end carries the number
  // after its last begin/active. Begin and end are on different threads, so either
  // may be decoded first: the unmatched side waits in a small map keyed by the
  // sequence number that closes it.
  void gc_begin(std::uint64_t seq, std::int64_t ts_ns) {
    ++out_.cycles;
    gc_open(seq + 1, ts_ns);
  }
  void gc_active(std::uint64_t seq) {
    if (std::int64_t* t = gc_begins_.find(seq)) {
      const std::int64_t begin = *t;
      gc_begins_.erase(seq);
      gc_open(seq + 1, begin);
    }
  }
  void gc_end(std::uint64_t seq, std::int64_t ts_ns) {
    if (std::int64_t* t = gc_begins_.find(seq)) {
      out_.gc_total_ns = wrapping_sum_ns(out_.gc_total_ns, wrapping_difference_ns(ts_ns, *t));
      gc_begins_.erase(seq);
      return;
    }
    if (gc_ends_.size() > 1024) gc_ends_.clear();
    *gc_ends_.try_emplace(seq).first = ts_ns;
  }

  // A pause runs from STWBegin to STWEnd on the same thread m.
  void stw_begin(std::uint64_t m, std::int64_t ts_ns) {
    if (stw_open_.size() < 4096) *stw_open_.try_emplace(m).first = ts_ns;
  }
  void stw_end(std::uint64_t m, std::int64_t ts_ns) {
    if (std::int64_t* begin = stw_open_.find(m)) {
      const std::int64_t d = wrapping_difference_ns(ts_ns, *begin);
      ++out_.stw_pauses;
      out_.stw_total_ns = wrapping_sum_ns(out_.stw_total_ns, d);
      out_.stw_max_ns = std::max(out_.stw_max_ns, d);
      stw_open_.erase(m);
    }
  }

  void heap_alloc(std::uint64_t bytes) { out_.heap_alloc_max_bytes = std::max(out_.heap_alloc_max_bytes, bytes); }
  void heap_goal(std::uint64_t bytes) { out_.heap_goal_last_bytes = bytes; }
  void procs_change(std::uint64_t procs) { out_.gomaxprocs = procs; }

 private:
  void gc_open(std::uint64_t closing_seq, std::int64_t begin) {
    if (std::int64_t* t = gc_ends_.find(closing_seq)) {
      out_.gc_total_ns = wrapping_sum_ns(out_.gc_total_ns, wrapping_difference_ns(*t, begin));
      gc_ends_.erase(closing_seq);
      return;
    }
    if (gc_begins_.size() > 1024) gc_begins_.clear();
    *gc_begins_.try_emplace(closing_seq).first = begin;
  }

  GcStats& out_;
  IdMap<std::int64_t> gc_begins_, gc_ends_, stw_open_;
};

}  // namespace tracebench::trace
