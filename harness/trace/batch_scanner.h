#pragma once
// The second stage of decoding (decoder.h): frames and counts every event of an event
// batch, turns its delta times into nanoseconds, and notes the special events (those
// the plan marks, event_plan.h) in a BatchNotes for the interpreter. It never looks at
// what an event means: this is the hot loop, several hundred MB/s.
//
// Errors: an event that cannot be framed (unknown type, malformed varint, cut short)
// throws FormatError in strict mode; otherwise it is counted in the IssueCounts given
// to the constructor and the rest of its batch is skipped
// (GenerationInfo::skipped_bytes). One thread.

#include <array>
#include <cstdint>

#include "trace/batch_notes.h"
#include "trace/errors.h"
#include "trace/event_plan.h"
#include "trace/format.h"
#include "trace/generation_reader.h"
#include "trace/varint_fast.h"

namespace tracebench::trace {

namespace detail {
// What the scanner needs to know about an event type: the row of kNthEnd for its
// argument count (row 0, all zeros, for a type not valid in an event batch) and
// whether it is noted for interpretation.
struct ScanType {
  const std::uint8_t* nth_end = kNthEnd.v[0];
  std::uint32_t noted_bytes = 0;  // kNoteBytes or 0: how far a note written for it advances
  std::int32_t nargs = 0;         // uvarint args (dt included); 0 for a type not valid here
};
}  // namespace detail

class BatchScanner {
 public:
  // issues: where lenient mode counts bad events; must outlive the scanner.
  BatchScanner(GoVersion version, bool strict, IssueCounts& issues, const EventPlan& plan);

  // Scans event batch `batch` of g into out; or two event batches at once (faster),
  // `batch` and `second` (later in the file) into out and *second_out. Adds to g.info
  // the counts, times and skipped bytes. g's bytes must be addressable.
  void scan(PreparedGeneration& g, std::uint32_t batch, BatchNotes& out, std::uint32_t second = 0,
            BatchNotes* second_out = nullptr);

 private:
  template <bool kIntegralFactor>
  struct Run;
  template <bool kIntegralFactor>
  void scan_batches(PreparedGeneration& g, std::uint32_t first, BatchNotes& first_notes, std::uint32_t second,
                    BatchNotes* second_notes);
  [[gnu::noinline]] void bad_event(std::uint64_t at, std::uint8_t type, int nargs);

  GoVersion version_;
  bool strict_;
  IssueCounts& issues_;
  const std::array<std::int8_t, 256>& arg_counts_;
  std::array<detail::ScanType, 256> scan_types_{};
};

}  // namespace tracebench::trace
