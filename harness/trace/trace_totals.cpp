#include "trace/trace_totals.h"

#include <algorithm>

namespace tracebench::trace {

void TraceTotals::begin_generation(const GenerationInfo& info) {
  if (info.clock.present && !out_.wall_minus_trace_ns && info.frequency_source == FrequencySource::kSyncBatch) {
    // A damaged file may hold any values: the differences wrap (unsigned) instead of overflowing.
    const std::uint64_t wall_ns = info.clock.wall_sec * 1'000'000'000ull + info.clock.wall_nsec;
    const auto trace_ns = static_cast<std::uint64_t>(info.clock.trace_ns);
    out_.wall_minus_trace_ns = static_cast<std::int64_t>(wall_ns - trace_ns);
    out_.mono_minus_trace_ns = static_cast<std::int64_t>(info.clock.mono_ns - trace_ns);
  }
}

void TraceTotals::end_generation(const GenerationInfo& info) {
  ++out_.generations;
  out_.batches += info.batches;
  out_.ticks_per_second = info.ticks_per_second;
  if (info.frequency_source == FrequencySource::kAssumed) out_.frequency_assumed = true;
  for (unsigned t = 0; t < 256; ++t) {
    kinds_[t].events += info.counts[t].events;
    kinds_[t].bytes += info.counts[t].bytes;
  }
  out_.timed_events += info.timed_events;
  out_.header_padding_bytes += info.padding_bytes;
  out_.experimental_padding_bytes += info.experimental_padding_bytes;
  out_.skipped_bytes += info.skipped_bytes;
  const std::uint64_t timed = info.timed_events;
  const std::int64_t gen_first_ns = info.first_event_ns, gen_last_ns = info.last_event_ns;
  if (timed > 0) {
    if (!have_events_) {
      out_.first_event_ns = gen_first_ns;
      out_.last_event_ns = gen_last_ns;
      have_events_ = true;
    }
    out_.first_event_ns = std::min(out_.first_event_ns, gen_first_ns);
    out_.last_event_ns = std::max(out_.last_event_ns, gen_last_ns);
  }
  if (out_.generation_stats.size() < max_generation_stats_) {
    GenerationStats g;
    g.gen = info.gen;
    g.offset = info.begin_offset;
    g.bytes = info.end_offset - info.begin_offset;
    g.batches = info.batches;
    g.events = timed;
    g.first_event_ns = timed > 0 ? gen_first_ns : 0;
    g.last_event_ns = timed > 0 ? gen_last_ns : 0;
    g.end_marker = info.end_marker;
    g.truncated = info.truncated;
    out_.generation_stats.push_back(g);
  }
  if (info.truncated && !out_.truncated) {
    out_.truncated = true;
    out_.truncated_offset = info.truncated_offset;
    out_.truncation = info.truncation;
    issues_.add(Issue::kTruncated, info.truncated_offset, info.truncation);
  }
}

void TraceTotals::finish() {
  out_.kinds = kinds_;
  for (unsigned t = 0; t < 256; ++t) {
    const Counts& k = kinds_[t];
    if (k.events == 0 && k.bytes == 0) continue;
    out_.events += k.events;
    Counts& c = out_.categories[static_cast<std::size_t>(event_spec(static_cast<std::uint8_t>(t)).category)];
    c.events += k.events;
    c.bytes += k.bytes;
  }
  // Subtracted as unsigned: times at the ends of the range (a corrupt trace) wrap
  // instead of overflowing.
  out_.span_ns = have_events_ ? static_cast<std::int64_t>(static_cast<std::uint64_t>(out_.last_event_ns) -
                                                          static_cast<std::uint64_t>(out_.first_event_ns))
                              : 0;
  // From the per-type counts, so counts-only mode has them too.
  out_.goroutines.created =
      kinds_[kEvGoCreate].events + kinds_[kEvGoCreateBlocked].events + kinds_[kEvGoCreateSyscall].events;
  out_.goroutines.destroyed =
      kinds_[kEvGoDestroy].events + kinds_[kEvGoDestroySyscall].events + kinds_[kEvGoSwitchDestroy].events;
}

}  // namespace tracebench::trace
