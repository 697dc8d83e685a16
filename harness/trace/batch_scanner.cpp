#include "trace/batch_scanner.h"

#include <fmt/core.h>

#include <cstring>
#include <string>

namespace tracebench::trace {
namespace {

using detail::kNthEnd;
using detail::kPopcount8;
using detail::ScanType;
using detail::varint_ends16;

// Where the scan of one event batch stands. Notes are written as batch_notes.h
// describes.
struct Lane {
  const std::uint8_t* p;  // next event
  std::uint64_t ts;       // time of the last event framed (ns)
  std::uint64_t index;    // events framed << 16 (a note's index in place)
  std::uint8_t* out;      // next note; there is room for one more than will be kept

  std::uint64_t events() const { return index >> 16; }
  SpecialRef* note() const { return reinterpret_cast<SpecialRef*>(out); }
};

// Frames and counts one event at l.p, which has 16 readable bytes after its type
// byte; false, with nothing changed, for an event it cannot frame alone (arguments
// longer than 16 bytes, a varint of 10 bytes or more, dt above 2^14 ticks, a bad
// type). Per event: the type byte,
// the end of its last varint from a 16-byte terminator mask and its type's kNthEnd
// row (the critical path; arguments past the first 8 bytes take a second lookup),
// dt from its one or two bytes, the time, the per-type count (events << 32 | bytes)
// and a note, written always and kept by moving l.out only when the type is noted
// (no branch on the type).
template <bool kIntegralFactor, class Conv>
[[gnu::always_inline]] inline bool scan_one(Lane& l, const std::uint8_t* const base, const ScanType* const types,
                                            std::uint64_t* const counts, const std::uint64_t factor,
                                            const Conv& conv) noexcept {
  const std::uint8_t* const start = l.p;
  const std::uint8_t type = *start;
  const ScanType& st = types[type];
  const std::uint32_t all_ends = varint_ends16(start + 1);
  unsigned args_len = st.nth_end[all_ends & 0xffu];
  const unsigned dt_len = static_cast<unsigned>(__builtin_ctz(all_ends | 0x10000u)) + 1;
  if (args_len == 0) [[unlikely]] {
    // Arguments past the first 8 bytes (a UserLog with a large task ID): the rest of
    // them end in the next 8.
    const int rest = st.nargs - kPopcount8.v[all_ends & 0xffu];
    if (rest <= 0) return false;  // a type not valid here
    const unsigned high = kNthEnd.v[rest + 1][(all_ends >> 8) & 0xffu];
    if (high == 0) return false;
    args_len = 8 + high;
    // A varint of 10 bytes or more may be malformed (too long, or over 64 bits): the
    // checked path decides. (Within 8 bytes every varint is valid.)
    const std::uint32_t cont = ~all_ends & ((1u << args_len) - 1);
    std::uint32_t runs = cont & (cont >> 1);
    runs &= runs >> 2;
    runs &= runs >> 4;  // bit i: bytes i..i+7 continue
    if ((runs & (cont >> 8)) != 0) return false;
  }
  if (dt_len > 2) [[unlikely]]
    return false;
  // Deltas are nearly always below 2^14 ticks (1 ms): two bytes at most; the second
  // byte counts only when the first is not a terminator.
  std::uint16_t w;
  std::memcpy(&w, start + 1, 2);
  const std::uint32_t high = (all_ends & 1u) - 1u;  // 0 (one byte) or all ones
  const std::uint64_t dt = (w & 0x7fu) | ((std::uint32_t{w} >> 1) & high & 0x3f80u);
  const std::uint64_t size = 1 + args_len;
  l.p = start + size;
  if constexpr (kIntegralFactor)
    l.ts += dt * factor;
  else
    l.ts += conv(dt);
  counts[type] += (std::uint64_t{1} << 32) + size;
  const std::uint64_t word =
      static_cast<std::uint64_t>(start - base) | l.index | (size << 32) | (std::uint64_t{type} << 40);
  std::memcpy(l.out, &l.ts, 8);
  std::memcpy(l.out + 8, &word, 8);
  l.out += st.noted_bytes;
  l.index += std::uint64_t{1} << 16;
  return true;
}

// The hot loop for one batch: scan_one while the lane is before fast_end (events
// starting there have 16 readable bytes after their type byte). Returns where it
// stopped. A small function of its own, so that its state stays in registers.
template <bool kIntegralFactor, class Conv>
[[gnu::noinline]] void scan_lane(Lane& lane, const std::uint8_t* const base, const std::uint8_t* const fast_end,
                                 const ScanType* const types, std::uint64_t* const counts, const std::uint64_t factor,
                                 const Conv& conv) noexcept {
  Lane l = lane;
  while (l.p < fast_end && scan_one<kIntegralFactor>(l, base, types, counts, factor, conv)) {
  }
  lane = l;
}

// The hot loop for two batches at once: an event of each per turn. Framing is one
// long chain of dependent loads per batch; two independent chains let the processor
// overlap them, nearly doubling the events framed per cycle. Returns which lane
// stopped (0 or 1): the other can go on.
template <bool kIntegralFactor, class Conv>
[[gnu::noinline]] int scan_lane_pair(Lane& lane_a, const std::uint8_t* const base_a,
                                     const std::uint8_t* const fast_end_a, Lane& lane_b,
                                     const std::uint8_t* const base_b, const std::uint8_t* const fast_end_b,
                                     const ScanType* const types, std::uint64_t* const counts,
                                     const std::uint64_t factor, const Conv& conv) noexcept {
  Lane a = lane_a, b = lane_b;
  int stopped = 0;
  for (;;) {
    if (!(a.p < fast_end_a)) break;
    if (!(b.p < fast_end_b)) {
      stopped = 1;
      break;
    }
    if (!scan_one<kIntegralFactor>(a, base_a, types, counts, factor, conv)) break;
    if (!scan_one<kIntegralFactor>(b, base_b, types, counts, factor, conv)) {
      stopped = 1;
      break;
    }
  }
  lane_a = a;
  lane_b = b;
  return stopped;
}

// Frames one event with every read checked: its nargs uvarints (dt first, into dt)
// must end by end. Returns the position after it, or nullptr.
[[gnu::noinline]] inline const std::uint8_t* frame_event_checked(const std::uint8_t* p, const std::uint8_t* end,
                                                                 int nargs, std::uint64_t& dt) noexcept {
  const std::uint8_t* next = nargs > 0 ? read_uvarint(p + 1, end, dt) : nullptr;
  for (int i = 1; i < nargs && next != nullptr; ++i) {
    std::uint64_t skip;
    next = read_uvarint(next, end, skip);
  }
  return next;
}

}  // namespace

BatchScanner::BatchScanner(GoVersion version, bool strict, IssueCounts& issues, const EventPlan& plan)
    : version_(version), strict_(strict), issues_(issues), arg_counts_(event_batch_arg_counts(version)) {
  for (unsigned t = 0; t < 256; ++t) {
    const int nargs = arg_counts_[t];
    const bool valid = nargs > 0 && nargs <= 5;
    scan_types_[t].nth_end = kNthEnd.v[valid ? nargs + 1 : 0];
    scan_types_[t].nargs = valid ? nargs : 0;
    scan_types_[t].noted_bytes = plan.noted(static_cast<std::uint8_t>(t)) ? kNoteBytes : 0;
  }
}

void BatchScanner::scan(PreparedGeneration& g, std::uint32_t batch, BatchNotes& out, std::uint32_t second,
                        BatchNotes* second_out) {
  if (g.conv.int_factor() != 0)
    scan_batches<true>(g, batch, out, second, second_out);
  else
    scan_batches<false>(g, batch, out, second, second_out);
}

void BatchScanner::bad_event(std::uint64_t at, std::uint8_t type, int nargs) {
  const EventSpec& spec = event_spec(type);
  if (nargs <= 0) {
    std::string what = spec.name.empty() ? fmt::format("byte 0x{:02x} (<unknown ({})>)", type, type)
                       : spec.since > static_cast<unsigned>(version_)
                           ? fmt::format("{} (type {}, added in go 1.{})", spec.name, type, spec.since)
                           : fmt::format("{} (type {}, not a timed event)", spec.name, type);
    if (!strict_) issues_.add(Issue::kUnknownEventType, at, what);
    report_bad_record(strict_, issues_, Issue::kCorruptBatch, at,
                      fmt::format("an event type valid in a go {} event batch", version_name(version_)), what);
  } else {
    report_bad_record(strict_, issues_, Issue::kCorruptBatch, at,
                      fmt::format("{} uvarint args of {}", nargs, spec.name),
                      "a malformed uvarint or the end of the batch");
  }
}

// The scan of one or two event batches (scan_lane and scan_lane_pair frame the
// common events). Compiled for integral ns-per-tick factors (every Linux trace) and
// for any factor.
template <bool kIntegralFactor>
struct BatchScanner::Run {
  // One batch's scan.
  struct Batch {
    const BatchRef* b = nullptr;
    BatchNotes* notes = nullptr;
    const std::uint8_t* base = nullptr;
    const std::uint8_t* end = nullptr;
    const std::uint8_t* fast_end = nullptr;
    SpecialRef* room = nullptr;
    std::uint64_t first_ts = 0;
    Lane lane{};
    bool done = false;
  };

  BatchScanner& d;
  PreparedGeneration& g;
  std::uint64_t factor = g.conv.int_factor();
  std::array<std::uint64_t, 256> counts{};  // events << 32 | bytes, per type

  std::uint64_t to_ns(std::uint64_t ticks) const {
    if constexpr (kIntegralFactor)
      return ticks * factor;
    else
      return g.conv(ticks);
  }

  void start(Batch& s, std::uint32_t index, BatchNotes& notes) {
    const BatchRef& b = g.batches[index];
    s.b = &b;
    s.notes = &notes;
    s.base = g.source->at(b.payload_offset);
    s.end = s.base + b.payload_bytes;
    s.fast_end = b.payload_bytes >= 17 ? s.end - 16 : s.base;
    notes.batch = index;
    notes.base = s.base;
    notes.specials.clear();
    // Every event takes two bytes at least (type and dt); one more note is written
    // than kept.
    s.room = notes.specials.reserve_more(b.payload_bytes / 2 + 2);
    const std::uint64_t ts = g.conv(b.time);
    // The batch's first event time, decoded ahead so the loop need not watch for it.
    std::uint64_t first_dt = 0;
    if (b.payload_bytes > 1) read_uvarint(s.base + 1, s.end, first_dt);
    s.first_ts = ts + to_ns(first_dt);
    s.lane = {s.base, ts, 0, reinterpret_cast<std::uint8_t*>(s.room)};
    s.done = b.payload_bytes == 0;
  }

  // Frames one event with every read checked (near the batch end, long varints).
  // False, with nothing changed, for an event that cannot be framed.
  bool slow_step(Batch& s) {
    const std::uint8_t* const start = s.lane.p;
    const std::uint8_t type = *start;
    std::uint64_t dt = 0;
    const std::uint8_t* const next = frame_event_checked(start, s.end, d.arg_counts_[type], dt);
    if (next == nullptr) return false;
    const auto size = static_cast<std::uint64_t>(next - start);
    s.lane.p = next;
    s.lane.ts += to_ns(dt);
    counts[type] += (std::uint64_t{1} << 32) | size;
    if (d.scan_types_[type].noted_bytes != 0) {
      *s.lane.note() = {s.lane.ts, static_cast<std::uint16_t>(start - s.base),
                        static_cast<std::uint16_t>(s.lane.events()), static_cast<std::uint8_t>(size), type};
      s.lane.out += sizeof(SpecialRef);
    }
    s.lane.index += std::uint64_t{1} << 16;
    s.done = s.lane.p >= s.end;
    return true;
  }

  // Reports the event slow_step could not frame; the rest of the batch is skipped.
  void fail(Batch& s) {
    const std::uint8_t* const start = s.lane.p;
    s.done = true;
    d.bad_event(s.b->payload_offset + static_cast<std::uint64_t>(start - s.base), *start, d.arg_counts_[*start]);
    g.info.skipped_bytes += static_cast<std::uint64_t>(s.end - start);
  }

  void run_alone(Batch& s) {
    while (!s.done) {
      scan_lane<kIntegralFactor>(s.lane, s.base, s.fast_end, d.scan_types_.data(), counts.data(), factor, g.conv);
      if (s.lane.p >= s.end)
        s.done = true;
      else if (!slow_step(s))
        fail(s);
    }
  }

  // Both batches, two events at a time. A bad event in the second waits until the
  // first is done, so that errors and issues come in file order.
  void run_pair(Batch& a, Batch& b) {
    bool b_stuck = false;
    while (!a.done && !b.done && !b_stuck) {
      const int stopped = scan_lane_pair<kIntegralFactor>(a.lane, a.base, a.fast_end, b.lane, b.base, b.fast_end,
                                                          d.scan_types_.data(), counts.data(), factor, g.conv);
      Batch& s = stopped == 0 ? a : b;
      if (s.lane.p >= s.end)
        s.done = true;
      else if (!slow_step(s)) {
        if (stopped == 0)
          fail(a);
        else
          b_stuck = true;
      }
    }
    run_alone(a);
    if (b_stuck) fail(b);
    run_alone(b);
  }

  void finish(Batch& s) {
    BatchNotes& n = *s.notes;
    n.specials.commit(static_cast<std::size_t>(s.lane.note() - s.room));
    n.end = static_cast<std::uint32_t>(s.lane.p - s.base);
    n.events = static_cast<std::uint32_t>(s.lane.events());
    g.info.add_timed(static_cast<std::int64_t>(s.first_ts), static_cast<std::int64_t>(s.lane.ts), s.lane.events());
  }

  void flush_counts() {
    for (unsigned t = 0; t < 256; ++t) {
      if (counts[t] == 0) continue;
      g.info.counts[t].events += counts[t] >> 32;
      g.info.counts[t].bytes += counts[t] & 0xffffffffu;
    }
  }
};

template <bool kIntegralFactor>
void BatchScanner::scan_batches(PreparedGeneration& g, std::uint32_t first, BatchNotes& first_notes,
                                std::uint32_t second, BatchNotes* second_notes) {
  Run<kIntegralFactor> sc{*this, g};
  typename Run<kIntegralFactor>::Batch a, b;
  sc.start(a, first, first_notes);
  if (second_notes != nullptr) {
    sc.start(b, second, *second_notes);
    sc.run_pair(a, b);
    sc.finish(a);
    sc.finish(b);
  } else {
    sc.run_alone(a);
    sc.finish(a);
  }
  sc.flush_counts();
}

}  // namespace tracebench::trace
