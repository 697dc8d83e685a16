#pragma once
// Framing of a Go execution trace (format v2): the file header, batch headers,
// generation boundaries, and the boundaries and raw arguments of single events.
// It knows how many bytes everything takes, never what an event means (that is
// decoder.h). Every read is bounds-checked; nothing is cast over input bytes.
//
// Generation boundaries follow both rules of the Go reader:
//  - Go 1.26+: a generation ends at its one-byte EndOfGeneration marker; end of file
//    before the marker means the trace was truncated.
//  - before 1.26: a generation ends where a batch of generation N+1 starts (that batch
//    is left for the next call) or at end of file.
//
// Thread safety: a Framer is used by one thread. Errors: FormatError (errors.h) for
// input that cannot be framed; in lenient mode these stop the framing instead and are
// counted in IssueCounts, so what was read before them can still be analysed.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "trace/errors.h"
#include "trace/format.h"
#include "trace/source.h"

namespace tracebench::trace {

// Reads the 16-byte header. Throws FormatError naming what was found: not a trace,
// a v1 trace (go 1.21 and earlier), or a version this reader does not know.
GoVersion read_header(TraceSource& source);

enum class BatchKind : std::uint8_t {
  kEvents,        // per-M timed events
  kStrings,       // string table section (first payload byte EvStrings)
  kStacks,        // stack table section (EvStacks)
  kCpuSamples,    // CPU samples (EvCPUSamples)
  kSync,          // frequency (< 1.25: a lone EvFrequency) or sync batch (1.25+: EvSync)
  kExperimental,  // ExperimentalBatch: opaque payload of an experiment
};

struct BatchRef {
  std::uint64_t offset = 0;          // file offset of the batch's first byte
  std::uint64_t payload_offset = 0;  // file offset of the first payload byte
  std::uint32_t payload_bytes = 0;
  std::uint8_t header_bytes = 0;            // wire bytes of the header
  std::uint8_t canonical_header_bytes = 0;  // the same header with minimal varints
  std::uint8_t experiment = 0;              // 0 for ordinary batches
  BatchKind kind = BatchKind::kEvents;
  std::uint64_t gen = 0;
  std::uint64_t m = 0;     // thread ID, kNoThread for structural batches
  std::uint64_t time = 0;  // base timestamp, trace-clock ticks
};

struct FramedGeneration {
  std::uint64_t gen = 0;           // generation number (from its batches)
  std::uint64_t begin_offset = 0;  // first byte of its first batch
  std::uint64_t end_offset = 0;    // one past its last byte (the end marker included)
  std::vector<BatchRef> batches;   // in file order
  bool end_marker = false;         // 1.26+: the EndOfGeneration byte was seen
  bool truncated = false;          // the file ended inside this generation
  std::uint64_t truncated_offset = 0;
  std::string truncation;          // what was cut, in words
};

class Framer {
 public:
  // Frames generations from `first_batch_offset` (normally kHeaderBytes).
  // strict: framing errors throw FormatError; otherwise they end the framing and are
  // added to *issues (which must then be non-null).
  Framer(TraceSource& source, GoVersion version, bool strict, IssueCounts* issues,
         std::uint64_t first_batch_offset = kHeaderBytes);

  // Frames the next generation into out (reusing its storage). Returns false when
  // there is nothing more to read.
  bool next(FramedGeneration& out);

  // Offset of the first byte not framed yet.
  std::uint64_t offset() const { return pos_; }
  // True once the input is used up or framing stopped (nothing more will be framed).
  bool exhausted() const { return done_; }
  // True once framing stopped at an error (lenient mode) or at a truncation.
  bool stopped() const { return done_ && stopped_early_; }

 private:
  enum class HeaderStatus { kBatch, kEndMarker, kEndOfInput, kTruncated };
  HeaderStatus read_batch_header(std::uint64_t at, BatchRef& b, std::string& detail);
  void fail(std::uint64_t offset, std::string expected, std::string found);

  TraceSource& source_;
  GoVersion version_;
  bool strict_;
  IssueCounts* issues_;
  std::uint64_t pos_;
  bool done_ = false;
  bool stopped_early_ = false;
};

// One event decoded for framing purposes: its type, raw uvarint args, and trailer.
struct RawEvent {
  std::uint8_t type = 0;
  std::uint8_t nargs = 0;
  std::array<std::uint64_t, 5> args{};
  std::uint32_t size = 0;               // wire bytes, type byte included
  const std::uint8_t* data = nullptr;   // HasData trailer (String)
  std::uint64_t data_bytes = 0;
  const std::uint8_t* frames = nullptr; // IsStack trailer: nframes x 4 uvarints
  std::uint64_t frame_bytes = 0;
};

// Reads one structural or timed event at p (not past end), taking its argument count
// from the spec table. Returns the position after it, or nullptr with *error set to
// what was expected ("an event type", "4 uvarint args of GoCreate", ...).
const std::uint8_t* read_raw_event(const std::uint8_t* p, const std::uint8_t* end, RawEvent& ev,
                                   std::string* error);

}  // namespace tracebench::trace
