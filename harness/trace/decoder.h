#pragma once
// Decoding of meaning, one framed generation at a time (tokenizer.h does framing), in
// three stages, each in a header of its own:
//  - prepare (generation_reader.h): the generation's structure — clock, string and
//    stack tables, CPU samples;
//  - scan (batch_scanner.h): frames and counts every event of an event batch, noting
//    the special ones (batch_notes.h) — the hot loop;
//  - interpret (batch_interpreter.h): goroutine attribution and the sink's calls,
//    from the notes.
// The sink is any TraceSink (trace_sink.h); what it asked for decides which events
// are special (event_plan.h). The decoder itself counts events and bytes per type
// (GenerationInfo::counts), so a sink only sees what it asks for.
//
// Errors: strict mode throws FormatError at the first bad record; otherwise the bad
// batch's remainder is skipped and counted in IssueCounts. Not thread-safe, but its
// stages may run on two threads as described at prepare().

#include <cstdint>

#include "trace/batch_interpreter.h"
#include "trace/batch_notes.h"
#include "trace/batch_scanner.h"
#include "trace/errors.h"
#include "trace/event_plan.h"
#include "trace/format.h"
#include "trace/generation_info.h"
#include "trace/generation_reader.h"
#include "trace/source.h"
#include "trace/tokenizer.h"
#include "trace/trace_sink.h"
#include "trace/varint_fast.h"

namespace tracebench::trace {

template <TraceSink Sink>
class Decoder {
 public:
  using Prepared = PreparedGeneration;

  // issues and sink must outlive the decoder; the sink's wishes are read here.
  Decoder(GoVersion version, bool strict, IssueCounts& issues, Sink& sink)
      : Decoder(version, strict, issues, sink,
                EventPlan(sink.wanted_events(), sink.wanted_args(), sink.wants_goroutines(),
                          sink.wants_user_events(), sink.wants_lifecycle())) {}

  // A generation is decoded in stages, so that one thread can frame and scan while
  // another interprets, batch by batch:
  //  - prepare: reads a generation's structure (sync, tables, CPU samples) from its
  //    framed batches, whose bytes must be available in source. last: no more
  //    generations follow (see GenerationReader::prepare).
  //  - scan: frames and counts every event of one event batch, noting the special
  //    ones in a BatchNotes.
  //    prepare and scan use the IssueCounts given to the constructor; never the sink.
  //  - begin, interpret (the noted events of one batch: goroutine attribution, sink
  //    calls), end: use the thread states and the sink only.
  //  - finish: begin, scan and interpret every event batch in turn, end (one thread,
  //    so the notes never hold more than two batches).
  // Per generation, in this order: prepare, begin, the event batches' interprets in
  // file order (each after its scan), end. Generations are begun and ended in the
  // order they were prepared; at most two generations may be between prepare and end
  // (the decoder keeps two of everything a prepared generation holds, reused so that
  // their memory is not allocated again for every generation), and their bytes must
  // stay addressable until ended. The returned reference is valid until the prepare
  // after next.
  Prepared& prepare(TraceSource& source, const FramedGeneration& frame, bool last) {
    return reader_.prepare(source, frame, last);
  }
  // Scans event batch `batch` of g into out; or two event batches at once (faster),
  // `batch` and `second` (later in the file) into out and *second_out.
  void scan(Prepared& g, std::uint32_t batch, BatchNotes& out, std::uint32_t second = 0,
            BatchNotes* second_out = nullptr) {
    scanner_.scan(g, batch, out, second, second_out);
  }
  void begin(Prepared& g) { interpreter_.begin(g); }
  void interpret(const Prepared& g, const BatchNotes& notes) { interpreter_.interpret(g, notes); }
  void end(Prepared& g) { interpreter_.end(g); }
  // evict_bytes: once this many bytes of event batches have been interpreted, they
  // are evicted from the source (0: never).
  void finish(Prepared& g, std::uint64_t evict_bytes = 0);

 private:
  Decoder(GoVersion version, bool strict, IssueCounts& issues, Sink& sink, const EventPlan& plan)
      : reader_(version, strict, issues),
        scanner_(version, strict, issues, plan),
        interpreter_(plan, event_batch_arg_counts(version), sink) {}

  GenerationReader reader_;
  BatchScanner scanner_;
  BatchInterpreter<Sink> interpreter_;
};

template <TraceSink Sink>
void Decoder<Sink>::finish(Prepared& g, std::uint64_t evict_bytes) {
  begin(g);
  // Scan two batches and interpret them, reusing two batches' worth of notes.
  std::uint64_t evicted = g.info.begin_offset;
  const auto count = static_cast<std::uint32_t>(g.batches.size());
  for (std::uint32_t i = g.next_event_batch(0); i < count;) {
    const std::uint32_t j = g.next_event_batch(i + 1);
    const std::uint32_t last = j < count ? j : i;
    if (j < count)
      scan(g, i, g.notes[0], j, &g.notes[1]);
    else
      scan(g, i, g.notes[0]);
    interpret(g, g.notes[0]);
    if (j < count) interpret(g, g.notes[1]);
    const std::uint64_t done = g.batches[last].payload_offset + g.batches[last].payload_bytes;
    if (evict_bytes != 0 && done - evicted >= evict_bytes) {
      g.source->evict(evicted, done);
      evicted = done;
    }
    i = j < count ? g.next_event_batch(j + 1) : count;
  }
  end(g);
}

}  // namespace tracebench::trace
