#pragma once
// Decoding of meaning, one framed generation at a time (tokenizer.h does framing):
//  - the sync batch: trace-clock frequency and (1.25+) the clock snapshot;
//  - string and stack tables (views into the generation's bytes);
//  - CPU samples (absolute timestamps);
//  - event batches: each timed event with its arguments, its time in nanoseconds and
//    the goroutine it belongs to.
//
// Timestamps follow the Go reader exactly: ns_per_tick = 1 / (freq / 1e9) as a
// double; a batch's base time and every delta are converted separately and summed
// (time = Time(batch.ts) + Σ Time(dt)). On Linux (freq 15.625 MHz, 64 ns per tick)
// this is exact integer arithmetic.
//
// Goroutine attribution ("whose event is it"): each thread (M) has a current
// goroutine, kept across batches and generations as in the Go reader's ordering:
// GoStart, GoStatus(Running) and GoCreateSyscall bind one; GoStop, GoBlock,
// GoDestroy(Syscall) and GoSyscallEndBlocked unbind it; GoSwitch(Destroy) hands over.
// An event belongs to the goroutine running when it was emitted, except that
// GoStart/GoCreateSyscall/a binding GoStatus belong to the goroutine they bind.
// Events of a thread with no goroutine (the scheduler, idle Ps) get kNoGoroutine.
//
// The decoder itself counts events and bytes per type (GenerationInfo::counts), so a
// sink only sees what it asks for. The Sink is any type with these members, all called
// on the decoding thread:
//   const std::array<bool, 256>& wanted_events() const;  // types to hand to event()
//   const std::array<std::uint8_t, 256>& wanted_args() const;  // args (dt included) event()
//                                        // reads per type: a prefix is decoded, the rest
//                                        // of DecodedEvent::args is left 0
//   bool wants_goroutines() const;       // track goroutines (slice(), DecodedEvent::g)
//   bool wants_user_events() const;      // hand user annotations to user_event():
//   void user_event(std::uint8_t type, std::int64_t ts_ns, std::uint64_t g, std::uint64_t m,
//                   std::uint64_t offset, std::uint64_t a1, std::uint64_t a2, std::uint64_t a3);
//                                        // UserRegionBegin/End, UserTaskBegin/End, UserLog
//                                        // with their first three args after dt
//   bool wants_lifecycle() const;        // hand creates and destroys to:
//   void goroutine_created(std::uint64_t goid, std::int64_t ts_ns, std::uint64_t start_stack);
//   void goroutine_destroyed(std::uint64_t goid, std::int64_t ts_ns);
//   void begin_generation(const GenerationInfo&, const GenerationTables&);
//   void event(const DecodedEvent&);     // each timed event of a wanted type
//   template <class StackOf> void slice(std::uint64_t g, std::uint64_t events,
//                                       std::uint64_t bytes, StackOf leave_stack);
//                                        // consecutive events of one thread that belong
//                                        // to goroutine g (kNoGoroutine: to none);
//                                        // leave_stack(): the stack of the GoStop/GoBlock
//                                        // that ended the run, or 0 (decoded only if
//                                        // called)
//   void cpu_sample(const CpuSampleEvent&);
//   void end_generation(const GenerationInfo&);   // info now complete (counts, times)
//
// Errors: strict mode throws FormatError at the first bad record; otherwise the bad
// batch's remainder is skipped and counted in IssueCounts. Not thread-safe.

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <vector>
#include <cstdint>
#include <cstring>
#include <string>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "trace/errors.h"
#include "trace/format.h"
#include "trace/id_map.h"
#include "trace/source.h"
#include "trace/tables.h"
#include "trace/tokenizer.h"
#include "trace/varint.h"

namespace tracebench::trace {

// Converts trace-clock ticks to nanoseconds as the Go reader does. Values are
// returned as the two's-complement bits of the int64 result, so sums wrap instead of
// overflowing.
class TickConverter {
 public:
  void set_frequency(std::uint64_t ticks_per_second) {
    ticks_per_second_ = ticks_per_second;
    ns_per_tick_ = 1.0 / (static_cast<double>(ticks_per_second) / 1e9);
    const double whole = std::floor(ns_per_tick_);
    int_factor_ = (whole == ns_per_tick_ && whole >= 1.0 && whole <= 1048576.0) ? static_cast<std::uint64_t>(whole) : 0;
  }
  std::uint64_t ticks_per_second() const { return ticks_per_second_; }
  // The exact integer ns-per-tick factor, or 0 when the conversion needs floating point.
  std::uint64_t int_factor() const { return int_factor_; }
  double ns_per_tick() const { return ns_per_tick_; }

  std::uint64_t operator()(std::uint64_t ticks) const {
    if (int_factor_ != 0) [[likely]]
      return ticks * int_factor_;
    double v = static_cast<double>(ticks) * ns_per_tick_;
    if (!(v < 9.2e18)) v = 9.2e18;  // Go's conversion of such values is undefined too
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
  }

 private:
  std::uint64_t ticks_per_second_ = 0;
  double ns_per_tick_ = 0;
  std::uint64_t int_factor_ = 0;
};

enum class FrequencySource : std::uint8_t {
  kSyncBatch,           // this generation's own frequency event
  kPreviousGeneration,  // missing here; the previous generation's value is used
  kAssumed,             // none anywhere yet; 15.625 MHz (Linux, nanotime/64) is assumed
};

inline constexpr std::uint64_t kAssumedTicksPerSecond = 15'625'000;

struct ClockSnapshot {
  bool present = false;
  std::int64_t trace_ns = 0;     // trace time of the snapshot
  std::uint64_t mono_ns = 0;     // CLOCK_MONOTONIC at that time
  std::uint64_t wall_sec = 0;    // wall clock (Unix seconds, nanoseconds)
  std::uint64_t wall_nsec = 0;
};

struct GenerationInfo {
  std::uint64_t index = 0;  // 0-based position in the file
  std::uint64_t gen = 0;    // generation number from the batches
  std::uint64_t begin_offset = 0;
  std::uint64_t end_offset = 0;
  std::uint32_t batches = 0;
  std::uint64_t ticks_per_second = 0;
  FrequencySource frequency_source = FrequencySource::kSyncBatch;
  ClockSnapshot clock;
  bool end_marker = false;
  bool truncated = false;
  std::uint64_t truncated_offset = 0;
  std::string truncation;

  // Filled while decoding; complete at end_generation.
  std::array<Counts, 256> counts{};  // every wire event by type, structural ones included
  std::uint64_t timed_events = 0;    // events of event batches and CPU samples
  std::int64_t first_event_ns = 0;   // meaningful when timed_events > 0
  std::int64_t last_event_ns = 0;
  std::uint64_t padding_bytes = 0;   // EventBatch header bytes beyond minimal varints
  std::uint64_t experimental_padding_bytes = 0;  // the same for ExperimentalBatch headers
  std::uint64_t skipped_bytes = 0;   // bytes left unread after bad records
};

struct GenerationTables {
  StringTable strings;
  StackTable stacks;
};

struct DecodedEvent {
  std::uint8_t type = 0;
  std::uint32_t size = 0;       // wire bytes, type byte included
  std::int64_t ts_ns = 0;
  std::uint64_t m = 0;          // thread of the batch (kNoThread for late status batches)
  std::uint64_t g = kNoGoroutine;  // goroutine the event belongs to (see above)
  std::uint64_t offset = 0;     // file offset of the type byte
  std::array<std::uint64_t, 4> args{};  // wire args after dt, in spec order
};

struct CpuSampleEvent {
  std::int64_t ts_ns = 0;
  std::uint64_t m = 0, p = 0, g = 0, stack = 0;
  std::uint64_t offset = 0;
};

namespace detail {
struct SpecialRef;
inline constexpr std::uint32_t kNoteBytes = 16;  // sizeof(SpecialRef)

// kNthEnd.v[n + 1][m]: with m the end mask of 8 bytes, the byte count up to and
// including the n-th varint end (1..8), or 0 when fewer than n varints end in those 8
// bytes. Rows 0 and 1 (n = -1, a type not valid here, and n = 0) are all 0.
struct NthEndTable {
  std::uint8_t v[7][256]{};
  constexpr NthEndTable() {
    for (unsigned n = 1; n <= 5; ++n)
      for (unsigned m = 0; m < 256; ++m) {
        unsigned seen = 0;
        for (unsigned i = 0; i < 8; ++i)
          if (m >> i & 1u && ++seen == n) {
            v[n + 1][m] = static_cast<std::uint8_t>(i + 1);
            break;
          }
      }
  }
};
inline constexpr NthEndTable kNthEnd{};

// What the scanner needs to know about an event type: the row of kNthEnd for its
// argument count (row 0, all zeros, for a type not valid in an event batch) and
// whether it is noted for interpretation.
struct ScanType {
  const std::uint8_t* nth_end = kNthEnd.v[0];
  std::uint32_t noted_bytes = 0;  // kNoteBytes or 0: how far a note written for it advances
  std::int32_t nargs = 0;         // uvarint args (dt included); 0 for a type not valid here
};

// Set bits in a byte.
struct PopcountTable {
  std::uint8_t v[256]{};
  constexpr PopcountTable() {
    for (unsigned m = 0; m < 256; ++m)
      for (unsigned i = 0; i < 8; ++i) v[m] += static_cast<std::uint8_t>(m >> i & 1u);
  }
};
inline constexpr PopcountTable kPopcount8{};


// A growable array of SpecialRefs that, unlike std::vector::resize, does not
// initialise the room it makes: the scanner writes it.
class SpecialBuffer {
 public:
  std::size_t size() const { return size_; }
  SpecialRef* data() { return data_.get(); }
  const SpecialRef* data() const { return data_.get(); }
  // Room for n more; returns where they go.
  SpecialRef* reserve_more(std::size_t n);
  void commit(std::size_t n) { size_ += n; }
  void clear() { size_ = 0; }
  void push_back(const SpecialRef& r);

 private:
  std::unique_ptr<SpecialRef[]> data_;
  std::size_t size_ = 0, capacity_ = 0;
};
}  // namespace detail

template <class Sink>
class Decoder {
 public:
  Decoder(GoVersion version, bool strict, IssueCounts& issues, Sink& sink)
      : version_(version), strict_(strict), issues_(issues), sink_(sink), arg_counts_(event_batch_arg_counts(version)) {
    const auto& wanted = sink.wanted_events();
    const auto& wanted_args = sink.wanted_args();
    for (unsigned t = 0; t < 256; ++t) {
      hand_over_[t] = wanted[t];
      special_[t] = wanted[t];
      args_needed_[t] = wanted[t] ? std::min<std::uint8_t>(wanted_args[t], 5) : 0;
    }
    track_goroutines_ = sink.wants_goroutines();
    build_actions_ = true;
    if (track_goroutines_) {
      // The goroutine tracking reads these (and cuts slices at the leaving events).
      for (std::uint8_t t : {kEvGoStart, kEvGoCreateSyscall, kEvGoSwitch, kEvGoSwitchDestroy}) {
        special_[t] = true;
        args_needed_[t] = std::max<std::uint8_t>(args_needed_[t], 2);
      }
      for (std::uint8_t t : {kEvGoStatus, kEvGoStatusStack}) {
        special_[t] = true;
        args_needed_[t] = std::max<std::uint8_t>(args_needed_[t], 4);
      }
      for (std::uint8_t t : {kEvGoStop, kEvGoBlock, kEvGoDestroy, kEvGoDestroySyscall, kEvGoSyscallEndBlocked})
        special_[t] = true;
      // The two commonest goroutine events are handled in the loop itself unless the
      // sink asked for them.
      if (!hand_over_[kEvGoStart]) inline_kind_[kEvGoStart] = kInlineStart;
      if (sink.wants_lifecycle()) {
        for (std::uint8_t t : {kEvGoCreate, kEvGoCreateBlocked}) {
          special_[t] = true;
          hand_over_[t] = false;
          inline_kind_[t] = kInlineCreate;
        }
        for (std::uint8_t t : {kEvGoDestroy, kEvGoDestroySyscall}) {
          hand_over_[t] = false;
          inline_kind_[t] = kInlineDestroy;
        }
      }
      if (sink.wants_user_events()) {
        for (std::uint8_t t : {kEvUserRegionBegin, kEvUserRegionEnd, kEvUserTaskBegin, kEvUserTaskEnd, kEvUserLog}) {
          special_[t] = true;
          hand_over_[t] = false;
        }
        inline_kind_[kEvUserRegionBegin] = kInlineRegionBegin;
        inline_kind_[kEvUserRegionEnd] = kInlineRegionEnd;
        inline_kind_[kEvUserTaskBegin] = kInlineTaskBegin;
        inline_kind_[kEvUserTaskEnd] = kInlineTaskEnd;
        inline_kind_[kEvUserLog] = kInlineLog;
      }
      for (std::uint8_t t : {kEvGoStop, kEvGoBlock})
        if (!hand_over_[t]) inline_kind_[t] = kInlineLeave;
    }
  }

  // Decodes one framed generation whose bytes are available in source. last: no
  // more generations follow (lets a pre-1.26 trace without its closing frequency
  // batch be reported as truncated rather than broken).
  //
  // One thread: event batches are scanned and interpreted one at a time, so the
  // notes on special events never hold more than one batch.
  void decode(TraceSource& source, const FramedGeneration& frame, bool last) { finish(prepare(source, frame, last)); }

  // decode() in stages, so that one thread can frame and scan while another
  // interprets, batch by batch:
  //  - prepare: reads a generation's structure (sync, tables, CPU samples).
  //  - scan: frames and counts every event of one event batch, noting the special
  //    ones in a BatchNotes.
  //    prepare and scan use the decoder's clock and tables and the IssueCounts given
  //    to the constructor; never the sink.
  //  - begin, interpret (the noted events of one batch: goroutine attribution, sink
  //    calls), end: use the thread states and the sink only.
  //  - finish: begin, scan and interpret every event batch in turn, end (one thread).
  // Per generation, in this order: prepare, begin, the event batches' interprets in
  // file order (each after its scan), end. Generations are begun and ended in the
  // order they were prepared; at most two generations may be between prepare and end
  // (the decoder keeps two of everything a prepared generation holds, reused so that
  // their memory is not allocated again for every generation), and their bytes must
  // stay addressable until ended. The returned reference is valid until the prepare
  // after next.
  struct Prepared;
  // One scanned event batch and its special events, reusable from batch to batch.
  struct BatchNotes {
    std::uint32_t batch = 0;             // index in the generation's batches
    const std::uint8_t* base = nullptr;  // first payload byte
    std::uint32_t end = 0;               // payload offset after the last framed event
    std::uint32_t events = 0;            // events framed
    detail::SpecialBuffer specials;
  };
  Prepared& prepare(TraceSource& source, const FramedGeneration& frame, bool last);
  // Scans event batch `batch` of g into out; or two event batches at once (faster),
  // `batch` and `second` (later in the file) into out and *second_out.
  void scan(Prepared& g, std::uint32_t batch, BatchNotes& out, std::uint32_t second = 0,
            BatchNotes* second_out = nullptr) {
    if (conv_.int_factor() != 0)
      scan_batches<true>(g, batch, out, second, second_out);
    else
      scan_batches<false>(g, batch, out, second, second_out);
  }
  void begin(Prepared& g) { sink_.begin_generation(g.info, *g.tables); }
  void interpret(const Prepared& g, const BatchNotes& notes);
  void end(Prepared& g);
  // evict_bytes: once this many bytes of event batches have been interpreted, they
  // are evicted from the source (0: never).
  void finish(Prepared& g, std::uint64_t evict_bytes = 0);

 private:
  struct MState {
    std::uint64_t g = kNoGoroutine;
  };

  // Reports a bad record: throws in strict mode, else counts it. Returns normally
  // only in lenient mode.
  void bad(Issue issue, std::uint64_t offset, const std::string& expected, const std::string& found) {
    if (strict_) throw FormatError(offset, expected, found);
    issues_.add(issue, offset, FormatError(offset, expected, found).what());
  }

  void count(GenerationInfo& info, std::uint8_t type, std::uint64_t n, std::uint64_t bytes) {
    info.counts[type].events += n;
    info.counts[type].bytes += bytes;
  }
  void timed(GenerationInfo& info, std::int64_t first_ns, std::int64_t last_ns, std::uint64_t n) {
    if (n == 0) return;
    if (info.timed_events == 0) {
      info.first_event_ns = first_ns;
      info.last_event_ns = last_ns;
    }
    info.first_event_ns = std::min(info.first_event_ns, first_ns);
    info.last_event_ns = std::max(info.last_event_ns, last_ns);
    info.timed_events += n;
  }

  void read_sync(TraceSource& source, const BatchRef& b, GenerationInfo& info, bool& have_freq);
  void read_strings(TraceSource& source, const BatchRef& b, GenerationInfo& info, GenerationTables& tables);
  void read_stacks(TraceSource& source, const BatchRef& b, GenerationInfo& info, GenerationTables& tables);
  void read_cpu_samples(TraceSource& source, const BatchRef& b, Prepared& g);
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
  template <class StackOf = decltype(&no_stack)>
  [[gnu::always_inline]] void cut(BatchState& st, const std::uint8_t* at, StackOf leave_stack = &no_stack) {
    if (st.slice_events != 0)
      sink_.slice(st.cur_g, st.slice_events, static_cast<std::uint64_t>(at - st.slice_start), leave_stack);
    st.slice_start = at;
    st.slice_events = 0;
  }

  template <bool kIntegralFactor>
  struct Scanner;
  template <bool kIntegralFactor>
  void scan_batches(Prepared& g, std::uint32_t first, BatchNotes& first_notes, std::uint32_t second,
                    BatchNotes* second_notes);
  template <std::uint8_t kType, int kArgs>
  [[gnu::always_inline]] inline void user_event(const BatchState& st, const std::uint8_t* start, const std::uint8_t* stop,
                                         std::uint64_t ts);
  [[gnu::noinline]] void handle_special(BatchState& st, const std::uint8_t* start, const std::uint8_t* p,
                                        std::uint8_t type, int nargs, std::uint64_t ts);
  [[gnu::noinline]] void bad_event(const BatchRef& b, std::uint64_t at, std::uint8_t type, int nargs);

  GoVersion version_;
  bool strict_;
  IssueCounts& issues_;
  Sink& sink_;
  const std::array<std::int8_t, 256>& arg_counts_;
  std::array<bool, 256> hand_over_{};  // types the sink wants
  std::array<bool, 256> special_{};    // types that leave the hot loop
  std::array<std::uint8_t, 256> args_needed_{};  // arg prefix (dt included) to decode
  bool track_goroutines_ = false;
  bool build_actions_ = true;
  // What the loop does with an event after counting it: nothing (the common case),
  // one of the inline kinds, or handle_special.
  // The user annotation events have one action each, so that the one dispatch per
  // event also selects the sink's handling of that type.
  enum : std::uint8_t {
    kPlain,
    kInlineStart,
    kInlineLeave,
    kInlineRegionBegin,
    kInlineRegionEnd,
    kInlineTaskBegin,
    kInlineTaskEnd,
    kInlineLog,
    kInlineCreate,
    kInlineDestroy,
    kSpecial
  };
  std::array<std::uint8_t, 256> action_{};  // built from special_ and inline_kind_
  std::array<detail::ScanType, 256> scan_types_{};  // built with action_
  std::array<std::uint8_t, 256> inline_kind_{};
  GenerationTables tables_[2];  // two generations may be in flight
  std::unique_ptr<Prepared> prepared_[2];
  bool check_ids_now_ = true;
  TickConverter conv_;
  bool have_previous_freq_ = false;
  std::uint64_t generation_index_ = 0;
  IdMap<MState> ms_;
};

template <class Sink>
struct Decoder<Sink>::Prepared {
  GenerationInfo info;
  std::vector<BatchRef> batches;  // the frame's
  GenerationTables* tables = nullptr;
  TraceSource* source = nullptr;
  std::vector<CpuSampleEvent> cpu_samples;
  BatchNotes notes[2];  // finish()'s, two batches at a time

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

// ---- implementation -------------------------------------------------------------

template <class Sink>
typename Decoder<Sink>::Prepared& Decoder<Sink>::prepare(TraceSource& source, const FramedGeneration& frame,
                                                         bool last) {
  if (build_actions_) {
    for (unsigned t = 0; t < 256; ++t)
      action_[t] = !special_[t]                ? std::uint8_t{kPlain}
                   : inline_kind_[t] != kPlain ? inline_kind_[t]
                                               : std::uint8_t{kSpecial};
    for (unsigned t = 0; t < 256; ++t) {
      const int nargs = arg_counts_[t];
      const bool valid = nargs > 0 && nargs <= 5;
      scan_types_[t].nth_end = detail::kNthEnd.v[valid ? nargs + 1 : 0];
      scan_types_[t].nargs = valid ? nargs : 0;
      scan_types_[t].noted_bytes = action_[t] != kPlain ? detail::kNoteBytes : 0;
    }
    build_actions_ = false;
  }
  std::unique_ptr<Prepared>& slot = prepared_[generation_index_ % 2];
  if (!slot) slot = std::make_unique<Prepared>();
  Prepared* const g = slot.get();
  g->reset();
  g->source = &source;
  GenerationInfo& info = g->info;
  g->batches = frame.batches;
  g->tables = &tables_[generation_index_ % 2];
  info.index = generation_index_++;
  info.gen = frame.gen;
  info.begin_offset = frame.begin_offset;
  info.end_offset = frame.end_offset;
  info.batches = static_cast<std::uint32_t>(frame.batches.size());
  info.end_marker = frame.end_marker;
  info.truncated = frame.truncated;
  info.truncated_offset = frame.truncated_offset;
  info.truncation = frame.truncation;

  // Structure first: the frequency and tables are needed to read events, and
  // before Go 1.25 they come at the end of the generation.
  bool have_freq = false, saw_sync = false;
  for (const BatchRef& b : frame.batches) {
    if (b.kind != BatchKind::kSync) continue;
    saw_sync = true;
    read_sync(source, b, info, have_freq);
  }
  if (!have_freq) {
    const bool looks_cut = last && !saw_sync && version_ < GoVersion::kGo126 && !info.truncated;
    if (looks_cut) {
      info.truncated = true;
      info.truncated_offset = frame.end_offset;
      info.truncation = fmt::format(
          "generation {} ends at the end of the file without its frequency batch (written when a "
          "generation completes): the trace was likely cut short",
          frame.gen);
    } else if (!info.truncated && !saw_sync) {
      bad(Issue::kMissingFrequency, frame.begin_offset, fmt::format("a frequency event in generation {}", frame.gen),
          "none (no frequency event found)");
    }
    if (have_previous_freq_) {
      info.frequency_source = FrequencySource::kPreviousGeneration;
    } else {
      info.frequency_source = FrequencySource::kAssumed;
      conv_.set_frequency(kAssumedTicksPerSecond);
    }
  } else if (version_ >= GoVersion::kGo125 && !info.clock.present && !info.truncated) {
    bad(Issue::kMissingClockSnapshot, frame.begin_offset, fmt::format("a clock snapshot in generation {}", frame.gen),
        "none (no clock snapshot event found)");
  }
  info.ticks_per_second = conv_.ticks_per_second();

  // A cut-short generation lacks the tables written at its end: references into
  // them are then expected to dangle and are not reported.
  check_ids_now_ = !info.truncated;
  GenerationTables& tables = *g->tables;
  tables.strings.clear();
  tables.stacks.clear();
  for (const BatchRef& b : frame.batches)
    if (b.kind == BatchKind::kStrings) read_strings(source, b, info, tables);
  for (const BatchRef& b : frame.batches)
    if (b.kind == BatchKind::kStacks) read_stacks(source, b, info, tables);

  for (std::uint32_t i = 0; i < frame.batches.size(); ++i) {
    const BatchRef& b = frame.batches[i];
    const auto padding = static_cast<std::uint64_t>(b.header_bytes - b.canonical_header_bytes);
    if (b.kind == BatchKind::kExperimental) {
      info.experimental_padding_bytes += padding;
      count(info, kEvExperimentalBatch, 1, b.header_bytes + std::uint64_t{b.payload_bytes});
      continue;
    }
    info.padding_bytes += padding;
    count(info, kEvEventBatch, 1, b.header_bytes);
    // Event batches are scanned by scan(); sync and tables were read above (and
    // counted there).
    if (b.kind == BatchKind::kCpuSamples) read_cpu_samples(source, b, *g);
  }
  if (frame.end_marker) count(info, kEvEndOfGeneration, 1, 1);
  return *g;
}

template <class Sink>
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

template <class Sink>
void Decoder<Sink>::end(Prepared& g) {
  for (const CpuSampleEvent& c : g.cpu_samples) sink_.cpu_sample(c);
  sink_.end_generation(g.info);
}

template <class Sink>
void Decoder<Sink>::read_sync(TraceSource& source, const BatchRef& b, GenerationInfo& info, bool& have_freq) {
  const std::uint8_t* const base = source.at(b.payload_offset);
  const std::uint8_t* p = base;
  const std::uint8_t* const end = base + b.payload_bytes;
  auto off = [&](const std::uint8_t* q) { return b.payload_offset + static_cast<std::uint64_t>(q - base); };
  if (version_ >= GoVersion::kGo125) {  // the EvSync byte (checked by the framer)
    count(info, kEvSync, 1, 1);
    ++p;
  }
  std::uint64_t last_ticks = b.time;
  RawEvent ev;
  std::string err;
  while (p < end) {
    const std::uint8_t* start = p;
    const std::uint8_t* q = read_raw_event(p, end, ev, &err);
    if (q == nullptr) {
      bad(Issue::kCorruptTable, off(start), err + " in a sync batch", "malformed or cut-short bytes");
      info.skipped_bytes += static_cast<std::uint64_t>(end - start);
      return;
    }
    p = q;
    if (ev.type == kEvFrequency) {
      if (have_freq) {
        bad(Issue::kDuplicateFrequency, off(start), "one frequency event per generation",
            "another (found multiple frequency events)");
      } else if (ev.args[0] == 0) {
        bad(Issue::kCorruptTable, off(start), "a nonzero trace-clock frequency", "0");
      } else {
        have_freq = true;
        have_previous_freq_ = true;
        conv_.set_frequency(ev.args[0]);
        info.frequency_source = FrequencySource::kSyncBatch;
      }
    } else if (ev.type == kEvClockSnapshot && version_ >= GoVersion::kGo125) {
      if (info.clock.present) {
        bad(Issue::kDuplicateFrequency, off(start), "one clock snapshot per generation",
            "another (found multiple clock snapshot events)");
      } else {
        last_ticks += ev.args[0];
        info.clock.present = true;
        info.clock.trace_ns = static_cast<std::int64_t>(last_ticks);  // ticks; converted below
        info.clock.mono_ns = ev.args[1];
        info.clock.wall_sec = ev.args[2];
        info.clock.wall_nsec = ev.args[3];
      }
    } else {
      bad(Issue::kCorruptTable, off(start),
          version_ >= GoVersion::kGo125 ? "a Frequency or ClockSnapshot event in the sync batch"
                                        : "a Frequency event in the frequency batch",
          fmt::format("{} (type {})", event_name(ev.type), ev.type));
      info.skipped_bytes += static_cast<std::uint64_t>(end - start);
      return;
    }
    count(info, ev.type, 1, ev.size);
  }
  if (info.clock.present && have_freq)
    info.clock.trace_ns = static_cast<std::int64_t>(conv_(static_cast<std::uint64_t>(info.clock.trace_ns)));
}

template <class Sink>
void Decoder<Sink>::read_strings(TraceSource& source, const BatchRef& b, GenerationInfo& info,
                                 GenerationTables& tables) {
  const std::uint8_t* const base = source.at(b.payload_offset);
  const std::uint8_t* p = base + 1;  // the EvStrings byte
  const std::uint8_t* const end = base + b.payload_bytes;
  count(info, kEvStrings, 1, 1);
  std::uint64_t count = 0, bytes = 0;
  while (p < end) {
    const std::uint8_t* start = p;
    const std::uint64_t at = b.payload_offset + static_cast<std::uint64_t>(start - base);
    std::uint64_t id = 0, len = 0;
    const std::uint8_t* q = nullptr;
    if (*p == kEvString && (q = read_uvarint(p + 1, end, id)) != nullptr && (q = read_uvarint(q, end, len)) != nullptr &&
        len <= kMaxStringBytes && len <= static_cast<std::uint64_t>(end - q)) {
      std::string_view s(reinterpret_cast<const char*>(q), static_cast<std::size_t>(len));
      p = q + len;
      if (!tables.strings.insert(id, s))
        bad(Issue::kDuplicateStringId, at, "a unique string ID", fmt::format("string ID {} again (multiple strings with the same ID)", id));
      ++count;
      bytes += static_cast<std::uint64_t>(p - start);
      continue;
    }
    std::string found = *p != kEvString ? fmt::format("{} (type {})", event_name(*p), *p)
                        : (q != nullptr && len > kMaxStringBytes) ? fmt::format("a string of {} bytes", len)
                                                                  : "malformed or cut-short bytes";
    bad(Issue::kCorruptTable, at,
        fmt::format("a String event (id, length <= {}, bytes) in a strings batch", kMaxStringBytes), found);
    info.skipped_bytes += static_cast<std::uint64_t>(end - start);
    break;
  }
  this->count(info, kEvString, count, bytes);
}

template <class Sink>
void Decoder<Sink>::read_stacks(TraceSource& source, const BatchRef& b, GenerationInfo& info,
                                GenerationTables& tables) {
  const std::uint8_t* const base = source.at(b.payload_offset);
  const std::uint8_t* p = base + 1;  // the EvStacks byte
  const std::uint8_t* const end = base + b.payload_bytes;
  count(info, kEvStacks, 1, 1);
  std::uint64_t count = 0, bytes = 0;
  RawEvent ev;
  std::string err;
  while (p < end) {
    const std::uint8_t* start = p;
    const std::uint64_t at = b.payload_offset + static_cast<std::uint64_t>(start - base);
    const std::uint8_t* q = (*p == kEvStack) ? read_raw_event(p, end, ev, &err) : nullptr;
    if (q == nullptr) {
      bad(Issue::kCorruptTable, at, *p == kEvStack ? err : "a Stack event in a stacks batch",
          *p == kEvStack ? "malformed or cut-short bytes" : fmt::format("{} (type {})", event_name(*p), *p));
      info.skipped_bytes += static_cast<std::uint64_t>(end - start);
      break;
    }
    p = q;
    StackRef s{ev.frames, static_cast<std::uint32_t>(ev.frame_bytes), static_cast<std::uint32_t>(ev.args[1])};
    if (!tables.stacks.insert(ev.args[0], s))
      bad(Issue::kDuplicateStackId, at, "a unique stack ID",
          fmt::format("stack ID {} again (multiple stacks with the same ID)", ev.args[0]));
    // Every frame's function and file must name a string of this generation.
    const std::uint8_t* f = ev.frames;
    const std::uint8_t* const fend = ev.frames + ev.frame_bytes;
    while (f < fend) {
      std::uint64_t v[4] = {0, 0, 0, 0};
      for (auto& x : v) f = read_uvarint(f, fend, x);  // validated by read_raw_event
      if (check_ids_now_ && (tables.strings.find(v[1]) == nullptr || tables.strings.find(v[2]) == nullptr)) {
        const bool func_bad = tables.strings.find(v[1]) == nullptr;
        bad(Issue::kUnknownStringId, at, fmt::format("{} string IDs of stack {} in the string table", func_bad ? "func" : "file", ev.args[0]),
            fmt::format("unknown string ID {}", func_bad ? v[1] : v[2]));
        break;
      }
    }
    ++count;
    bytes += ev.size;
  }
  this->count(info, kEvStack, count, bytes);
}

template <class Sink>
void Decoder<Sink>::read_cpu_samples(TraceSource& source, const BatchRef& b, Prepared& g) {
  GenerationInfo& info = g.info;
  const std::uint8_t* const base = source.at(b.payload_offset);
  const std::uint8_t* p = base + 1;  // the EvCPUSamples byte
  const std::uint8_t* const end = base + b.payload_bytes;
  count(info, kEvCPUSamples, 1, 1);
  std::uint64_t count = 0, bytes = 0;
  RawEvent ev;
  std::string err;
  while (p < end) {
    const std::uint8_t* start = p;
    const std::uint64_t at = b.payload_offset + static_cast<std::uint64_t>(start - base);
    const std::uint8_t* q = (*p == kEvCPUSample) ? read_raw_event(p, end, ev, &err) : nullptr;
    if (q == nullptr) {
      bad(Issue::kCorruptTable, at, *p == kEvCPUSample ? err : "a CPUSample event in a CPU samples batch",
          *p == kEvCPUSample ? "malformed or cut-short bytes" : fmt::format("{} (type {})", event_name(*p), *p));
      info.skipped_bytes += static_cast<std::uint64_t>(end - start);
      break;
    }
    p = q;
    if (check_ids_now_ && ev.args[4] != 0 && g.tables->stacks.find(ev.args[4]) == nullptr)
      bad(Issue::kUnknownStackId, at, "a stack ID of this generation's stack table",
          fmt::format("stack ID {} for a CPU sample", ev.args[4]));
    CpuSampleEvent s;
    s.ts_ns = static_cast<std::int64_t>(conv_(ev.args[0]));
    s.m = ev.args[1];
    s.p = ev.args[2];
    s.g = ev.args[3];
    s.stack = ev.args[4];
    s.offset = at;
    g.cpu_samples.push_back(s);
    timed(info, s.ts_ns, s.ts_ns, 1);
    ++count;
    bytes += ev.size;
  }
  this->count(info, kEvCPUSample, count, bytes);
}

namespace detail {

// Decodes a varint of known length len (1..8) from 8 readable bytes at p: the
// continuation bits are masked off and the 7-bit groups packed together by SWAR.
[[gnu::always_inline]] inline std::uint64_t uvarint_of_length(const std::uint8_t* p, unsigned len) noexcept {
  std::uint64_t x;
  std::memcpy(&x, p, 8);  // little-endian load (x86-64 and arm64)
  if (len < 8) x &= (std::uint64_t{1} << (8 * len)) - 1;
  x &= 0x7f7f7f7f7f7f7f7full;
  x = ((x & 0x7f007f007f007f00ull) >> 1) | (x & 0x007f007f007f007full);
  x = ((x & 0x3fff00003fff0000ull) >> 2) | (x & 0x00003fff00003fffull);
  x = ((x & 0x0fffffff00000000ull) >> 4) | (x & 0x000000000fffffffull);
  return x;
}

// Bit i set when byte i of the 16 at p ends a varint (high bit clear).
[[gnu::always_inline]] inline std::uint32_t varint_ends16(const std::uint8_t* p) noexcept {
#if defined(__SSE2__)
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return ~static_cast<std::uint32_t>(_mm_movemask_epi8(v)) & 0xffffu;
#else
  std::uint32_t m = 0;
  for (unsigned i = 0; i < 16; ++i) m |= static_cast<std::uint32_t>(p[i] < 0x80) << i;
  return m;
#endif
}


// Decodes a varint the caller has validated (it ends before end); values of up to
// three bytes (IDs below 2^21, nearly all of them) without a loop.
[[gnu::always_inline]] inline const std::uint8_t* decode_valid_uvarint(const std::uint8_t* q, const std::uint8_t* end,
                                                std::uint64_t& v) noexcept {
  if (q[0] < 0x80) {
    v = q[0];
    return q + 1;
  }
  if (q[1] < 0x80) {
    v = (q[0] & 0x7fu) | (std::uint64_t{q[1]} << 7);
    return q + 2;
  }
  if (q[2] < 0x80) {
    v = (q[0] & 0x7fu) | (std::uint64_t{q[1] & 0x7fu} << 7) | (std::uint64_t{q[2]} << 14);
    return q + 3;
  }
  return read_uvarint(q, end, v);
}

// The n-th (0-based) of the valid varints in [p, end): the caller has validated them.
[[gnu::always_inline]] inline std::uint64_t nth_uvarint(const std::uint8_t* p, const std::uint8_t* end, int n) noexcept {
  for (; n > 0; --n) {
    while (*p >= 0x80) ++p;
    ++p;
  }
  std::uint64_t v = 0;
  return decode_valid_uvarint(p, end, v) ? v : 0;
}

// A special event found by the scanner, in 16 bytes: its time, where it lies in its
// batch's payload (batches are at most 64 KiB), and how many events of the batch
// came before it.
struct SpecialRef {
  std::uint64_t ts;
  std::uint16_t start;  // payload offset of its type byte
  std::uint16_t index;  // events of the batch before it
  std::uint8_t size;    // wire bytes (at most 52)
  std::uint8_t type;
};
static_assert(sizeof(SpecialRef) == kNoteBytes);

inline SpecialRef* SpecialBuffer::reserve_more(std::size_t n) {
  if (size_ + n > capacity_) {
    std::size_t cap = std::max<std::size_t>(capacity_ * 2, size_ + n);
    std::unique_ptr<SpecialRef[]> bigger(new SpecialRef[cap]);  // default-initialised: not zeroed
    if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_ * sizeof(SpecialRef));
    data_ = std::move(bigger);
    capacity_ = cap;
  }
  return data_.get() + size_;
}

inline void SpecialBuffer::push_back(const SpecialRef& r) {
  *reserve_more(1) = r;
  commit(1);
}

// Where the scan of one event batch stands.
// A note (SpecialRef) is written as two words: the time, and start | index << 16 |
// size << 32 | type << 40 (little endian).
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

}  // namespace detail

template <class Sink>
void Decoder<Sink>::bad_event(const BatchRef&, std::uint64_t at, std::uint8_t type, int nargs) {
  const EventSpec& spec = event_spec(type);
  if (nargs <= 0) {
    std::string what = spec.name.empty() ? fmt::format("byte 0x{:02x} (<unknown ({})>)", type, type)
                       : spec.since > static_cast<unsigned>(version_)
                           ? fmt::format("{} (type {}, added in go 1.{})", spec.name, type, spec.since)
                           : fmt::format("{} (type {}, not a timed event)", spec.name, type);
    if (!strict_) issues_.add(Issue::kUnknownEventType, at, what);
    bad(Issue::kCorruptBatch, at, fmt::format("an event type valid in a go {} event batch", version_name(version_)),
        what);
  } else {
    bad(Issue::kCorruptBatch, at, fmt::format("{} uvarint args of {}", nargs, spec.name),
        "a malformed uvarint or the end of the batch");
  }
}

// Stage A: frames and counts every event of one or two event batches (scan_lane and
// scan_lane_pair do the common ones), noting the special events for interpret.
// Compiled for integral ns-per-tick factors (every Linux trace) and for any factor.
template <class Sink>
template <bool kIntegralFactor>
struct Decoder<Sink>::Scanner {
  // One batch's scan.
  struct Batch {
    const BatchRef* b = nullptr;
    BatchNotes* notes = nullptr;
    const std::uint8_t* base = nullptr;
    const std::uint8_t* end = nullptr;
    const std::uint8_t* fast_end = nullptr;
    detail::SpecialRef* room = nullptr;
    std::uint64_t first_ts = 0;
    detail::Lane lane{};
    bool done = false;
  };

  Decoder& d;
  Prepared& g;
  std::uint64_t factor = d.conv_.int_factor();
  std::array<std::uint64_t, 256> counts{};  // events << 32 | bytes, per type

  std::uint64_t to_ns(std::uint64_t ticks) const {
    if constexpr (kIntegralFactor)
      return ticks * factor;
    else
      return d.conv_(ticks);
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
    const std::uint64_t ts = d.conv_(b.time);
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
    const std::uint8_t* const next = detail::frame_event_checked(start, s.end, d.arg_counts_[type], dt);
    if (next == nullptr) return false;
    const auto size = static_cast<std::uint64_t>(next - start);
    s.lane.p = next;
    s.lane.ts += to_ns(dt);
    counts[type] += (std::uint64_t{1} << 32) | size;
    if (d.action_[type] != kPlain) {
      *s.lane.note() = {s.lane.ts, static_cast<std::uint16_t>(start - s.base),
                        static_cast<std::uint16_t>(s.lane.events()), static_cast<std::uint8_t>(size), type};
      s.lane.out += sizeof(detail::SpecialRef);
    }
    s.lane.index += std::uint64_t{1} << 16;
    s.done = s.lane.p >= s.end;
    return true;
  }

  // Reports the event slow_step could not frame; the rest of the batch is skipped.
  void fail(Batch& s) {
    const std::uint8_t* const start = s.lane.p;
    s.done = true;
    d.bad_event(*s.b, s.b->payload_offset + static_cast<std::uint64_t>(start - s.base), *start,
                d.arg_counts_[*start]);
    g.info.skipped_bytes += static_cast<std::uint64_t>(s.end - start);
  }

  void run_alone(Batch& s) {
    while (!s.done) {
      detail::scan_lane<kIntegralFactor>(s.lane, s.base, s.fast_end, d.scan_types_.data(), counts.data(), factor,
                                         d.conv_);
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
      const int stopped = detail::scan_lane_pair<kIntegralFactor>(a.lane, a.base, a.fast_end, b.lane, b.base,
                                                                  b.fast_end, d.scan_types_.data(), counts.data(),
                                                                  factor, d.conv_);
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
    d.timed(g.info, static_cast<std::int64_t>(s.first_ts), static_cast<std::int64_t>(s.lane.ts), s.lane.events());
  }

  void flush_counts() {
    for (unsigned t = 0; t < 256; ++t) {
      if (counts[t] == 0) continue;
      g.info.counts[t].events += counts[t] >> 32;
      g.info.counts[t].bytes += counts[t] & 0xffffffffu;
    }
  }
};

template <class Sink>
template <bool kIntegralFactor>
void Decoder<Sink>::scan_batches(Prepared& g, std::uint32_t first, BatchNotes& first_notes, std::uint32_t second,
                                 BatchNotes* second_notes) {
  Scanner<kIntegralFactor> sc{*this, g};
  typename Scanner<kIntegralFactor>::Batch a, b;
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

// A user annotation event of type kType, with kArgs args after dt, to the sink.
template <class Sink>
template <std::uint8_t kType, int kArgs>
inline void Decoder<Sink>::user_event(const BatchState& st, const std::uint8_t* start, const std::uint8_t* stop,
                               std::uint64_t ts) {
  std::uint64_t a[4] = {0, 0, 0, 0};
  const std::uint8_t* q = start + 1;
  while (*q >= 0x80) ++q;  // skip dt, known already
  ++q;
  for (int i = 1; i <= kArgs; ++i) q = detail::decode_valid_uvarint(q, stop, a[i]);
  sink_.user_event(kType, static_cast<std::int64_t>(ts), st.cur_g, st.b->m,
                   st.b->payload_offset + static_cast<std::uint64_t>(start - st.base), a[1], a[2], a[3]);
}

// Stage B for one event batch: goroutine attribution and the special events, in order.
template <class Sink>
void Decoder<Sink>::interpret(const Prepared& g, const BatchNotes& sb) {
  const BatchRef& b = g.batches[sb.batch];
  const std::uint8_t* const base = sb.base;
  const std::uint8_t* const action_of = action_.data();
  const std::int8_t* const nargs_of = arg_counts_.data();
  BatchState st;
  st.b = &b;
  st.base = base;
  st.end = base + b.payload_bytes;
  st.slice_start = base;
  if (b.m != kNoThread && track_goroutines_) st.cur_g = ms_.try_emplace(b.m).first->g;
  std::uint64_t unattributed = 0;  // index of the first event not yet in a slice
  const detail::SpecialRef* ref = sb.specials.data();
  const detail::SpecialRef* const refs_end = ref + sb.specials.size();
  for (; ref != refs_end; ++ref) {
    const std::uint8_t* const start = base + ref->start;
    const std::uint8_t* const stop = start + ref->size;
    const std::uint8_t type = ref->type;
    st.slice_events += ref->index + 1u - unattributed;  // this event and the plain ones before it
    unattributed = ref->index + 1u;
    switch (action_of[type]) {
      case kInlineStart:  // GoStart: the event belongs to the goroutine it starts
        --st.slice_events;
        cut(st, start);
        st.slice_events = 1;
        st.cur_g = detail::nth_uvarint(start + 1, stop, 1);
        break;
      case kInlineLeave:  // GoStop, GoBlock: the event belongs to the goroutine leaving
        cut(st, stop, [start, stop] { return detail::nth_uvarint(start + 1, stop, 2); });
        st.cur_g = kNoGoroutine;
        break;
      case kInlineCreate: {  // GoCreate, GoCreateBlocked: new_g, new_stack
        std::uint64_t a[3] = {0, 0, 0};
        const std::uint8_t* q = start + 1;
        for (int i = 0; i < 3; ++i) q = detail::decode_valid_uvarint(q, stop, a[i]);
        sink_.goroutine_created(a[1], static_cast<std::int64_t>(ref->ts), a[2]);
        break;
      }
      case kInlineDestroy:  // GoDestroy(Syscall): the event belongs to the goroutine ending
        sink_.goroutine_destroyed(st.cur_g, static_cast<std::int64_t>(ref->ts));
        cut(st, stop);
        st.cur_g = kNoGoroutine;
        break;
      // Tasks, regions, logs: up to three args after dt.
      case kInlineRegionBegin:
        user_event<kEvUserRegionBegin, 2>(st, start, stop, ref->ts);
        break;
      case kInlineRegionEnd:
        user_event<kEvUserRegionEnd, 2>(st, start, stop, ref->ts);
        break;
      case kInlineTaskBegin:
        user_event<kEvUserTaskBegin, 3>(st, start, stop, ref->ts);
        break;
      case kInlineTaskEnd:
        user_event<kEvUserTaskEnd, 1>(st, start, stop, ref->ts);
        break;
      case kInlineLog:
        user_event<kEvUserLog, 2>(st, start, stop, ref->ts);
        break;
      default:
        handle_special(st, start, stop, type, nargs_of[type], ref->ts);
    }
  }
  st.slice_events += sb.events - unattributed;
  if (track_goroutines_) cut(st, base + sb.end);
  if (b.m != kNoThread && track_goroutines_) ms_.try_emplace(b.m).first->g = st.cur_g;
}

template <class Sink>
void Decoder<Sink>::handle_special(BatchState& st, const std::uint8_t* start, const std::uint8_t* p,
                                   std::uint8_t type, int nargs, std::uint64_t ts) {
  // Decode the argument prefix someone reads (dt, index 0, is already known).
  std::uint64_t a[5] = {0, 0, 0, 0, 0};
  const int wanted = std::min<int>(args_needed_[type], nargs);
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
  if (!track_goroutines_) {
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
  if (hand_over_[type]) sink_.event(ev);
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
