#pragma once
// The first stage of decoding a framed generation (tokenizer.h does the framing): its
// structure, read before any event batch, since before Go 1.25 it comes at the end —
//  - the sync batch: trace-clock frequency and (1.25+) the clock snapshot;
//  - string and stack tables (views into the generation's bytes);
//  - CPU samples (absolute timestamps);
//  - the counts of batch headers and structural events.
// Event batches are left to the scanner (batch_scanner.h).
//
// Errors: strict mode throws FormatError at the first bad record; otherwise the bad
// batch's remainder is skipped (GenerationInfo::skipped_bytes) and counted in the
// IssueCounts given to the constructor. One thread.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "trace/batch_notes.h"
#include "trace/errors.h"
#include "trace/format.h"
#include "trace/generation_info.h"
#include "trace/source.h"
#include "trace/tick_converter.h"
#include "trace/tokenizer.h"
#include "trace/trace_sink.h"

namespace tracebench::trace {

// One generation from prepare to end (decoder.h). Its bytes stay in the source.
struct PreparedGeneration {
  GenerationInfo info;
  std::vector<BatchRef> batches;  // the frame's
  GenerationTables* tables = nullptr;
  TraceSource* source = nullptr;
  TickConverter conv;             // the generation's clock
  std::vector<CpuSampleEvent> cpu_samples;
  BatchNotes notes[2];            // Decoder::finish()'s, two batches at a time

  // The index of the first event batch at or after i (batches.size() when none is left).
  std::uint32_t next_event_batch(std::uint32_t i) const {
    const auto count = static_cast<std::uint32_t>(batches.size());
    while (i < count && batches[i].kind != BatchKind::kEvents) ++i;
    return i;
  }

  // Empties it for the next generation, keeping the memory.
  void reset() {
    info = GenerationInfo{};
    batches.clear();
    cpu_samples.clear();
  }
};

class GenerationReader {
 public:
  // issues: where lenient mode counts bad records; must outlive the reader.
  GenerationReader(GoVersion version, bool strict, IssueCounts& issues)
      : version_(version), strict_(strict), issues_(issues) {}

  // Reads the structure of one framed generation whose bytes are available in source.
  // last: no more generations follow (lets a pre-1.26 trace without its closing
  // frequency batch be reported as truncated rather than broken). The reader keeps two
  // prepared generations, reused so that their memory is not allocated again: the
  // returned reference is valid until the prepare after next.
  PreparedGeneration& prepare(TraceSource& source, const FramedGeneration& frame, bool last);

 private:
  void bad(Issue issue, std::uint64_t offset, const std::string& expected, const std::string& found) {
    report_bad_record(strict_, issues_, issue, offset, expected, found);
  }
  // The trace clock from the sync batch(es), else the previous or the assumed
  // frequency; a missing frequency in the last generation of a pre-1.26 trace marks
  // it truncated.
  void read_clock(TraceSource& source, const FramedGeneration& frame, bool last, GenerationInfo& info);
  void read_sync(TraceSource& source, const BatchRef& b, GenerationInfo& info, bool& have_freq);
  // String tables, then stack tables (whose frames name strings).
  void read_tables(TraceSource& source, const FramedGeneration& frame, GenerationInfo& info, GenerationTables& tables);
  void read_strings(TraceSource& source, const BatchRef& b, GenerationInfo& info, GenerationTables& tables);
  void read_stacks(TraceSource& source, const BatchRef& b, GenerationInfo& info, GenerationTables& tables);
  void read_cpu_samples(TraceSource& source, const BatchRef& b, PreparedGeneration& g);

  GoVersion version_;
  bool strict_;
  IssueCounts& issues_;
  GenerationTables tables_[2];  // two generations may be in flight
  std::unique_ptr<PreparedGeneration> prepared_[2];
  bool check_ids_now_ = true;
  TickConverter conv_;  // the last frequency read (kept for generations without one)
  bool have_previous_freq_ = false;
  std::uint64_t generation_index_ = 0;
};

}  // namespace tracebench::trace
