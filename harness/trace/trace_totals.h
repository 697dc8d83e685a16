#pragma once
// The trace-wide figures of a summary that come from the decoder's per-generation
// information rather than from events: generations and batches, counts and bytes by
// event type and category, the time span, padding and skipped bytes, per-generation
// rows, the clock, truncation; and goroutine creations and destructions (from the
// counts, so counts-only mode has them too).
//
// One thread (the interpreting one). Errors: none; a truncated generation is counted
// in issues as truncated.

#include <array>
#include <cstdint>

#include "trace/analyze.h"
#include "trace/errors.h"
#include "trace/format.h"
#include "trace/generation_info.h"

namespace tracebench::trace {

class TraceTotals {
 public:
  // out and issues must outlive this; out is written as generations end and by finish().
  TraceTotals(std::size_t max_generation_stats, TraceSummary& out, IssueCounts& issues)
      : max_generation_stats_(max_generation_stats), out_(out), issues_(issues) {}

  void begin_generation(const GenerationInfo& info);
  void end_generation(const GenerationInfo& info);
  void finish();

 private:
  std::size_t max_generation_stats_;
  TraceSummary& out_;
  IssueCounts& issues_;
  std::array<Counts, 256> kinds_{};
  bool have_events_ = false;
};

}  // namespace tracebench::trace
