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
// The Sink is any type with these members (all called on the decoding thread):
//   void begin_generation(const GenerationInfo&, const GenerationTables&);
//   void structural(std::uint8_t type, std::uint64_t count, std::uint64_t bytes);
//   void padding(std::uint64_t bytes);   // batch-header bytes beyond minimal varints
//   void skipped(std::uint64_t bytes);   // bytes of a batch left after a bad record
//   void event(const DecodedEvent&);     // every timed event of every event batch
//   void cpu_sample(const CpuSampleEvent&);
//   void end_generation(const GenerationInfo&);
//
// Errors: strict mode throws FormatError at the first bad record; otherwise the bad
// batch's remainder is skipped and counted in IssueCounts. Not thread-safe.

#include <fmt/core.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <string>

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

template <class Sink>
class Decoder {
 public:
  Decoder(GoVersion version, bool strict, IssueCounts& issues, Sink& sink)
      : version_(version), strict_(strict), issues_(issues), sink_(sink), arg_counts_(event_batch_arg_counts(version)) {}

  // Decodes one framed generation whose bytes are available in source. last: no
  // more generations follow (lets a pre-1.26 trace without its closing frequency
  // batch be reported as truncated rather than broken).
  void decode(TraceSource& source, const FramedGeneration& frame, bool last);

  const GenerationTables& tables() const { return tables_; }

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

  void read_sync(TraceSource& source, const BatchRef& b, GenerationInfo& info, bool& have_freq);
  void read_strings(TraceSource& source, const BatchRef& b);
  void read_stacks(TraceSource& source, const BatchRef& b);
  void read_cpu_samples(TraceSource& source, const BatchRef& b);
  void read_events(TraceSource& source, const BatchRef& b);

  GoVersion version_;
  bool strict_;
  IssueCounts& issues_;
  Sink& sink_;
  const std::array<std::int8_t, 256>& arg_counts_;
  GenerationTables tables_;
  TickConverter conv_;
  bool have_previous_freq_ = false;
  std::uint64_t generation_index_ = 0;
  IdMap<MState> ms_;
};

// ---- implementation -------------------------------------------------------------

template <class Sink>
void Decoder<Sink>::decode(TraceSource& source, const FramedGeneration& frame, bool last) {
  GenerationInfo info;
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
  bool have_freq = false;
  for (const BatchRef& b : frame.batches)
    if (b.kind == BatchKind::kSync) read_sync(source, b, info, have_freq);
  if (!have_freq) {
    const bool looks_cut = last && version_ < GoVersion::kGo126 && !info.truncated;
    if (looks_cut) {
      info.truncated = true;
      info.truncated_offset = frame.end_offset;
      info.truncation = fmt::format(
          "generation {} ends at the end of the file without its frequency batch (written when a "
          "generation completes): the trace was likely cut short",
          frame.gen);
    } else if (!info.truncated) {
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

  tables_.strings.clear();
  tables_.stacks.clear();
  for (const BatchRef& b : frame.batches)
    if (b.kind == BatchKind::kStrings) read_strings(source, b);
  for (const BatchRef& b : frame.batches)
    if (b.kind == BatchKind::kStacks) read_stacks(source, b);

  sink_.begin_generation(info, tables_);
  std::uint64_t padding = 0;
  for (const BatchRef& b : frame.batches) {
    padding += static_cast<std::uint64_t>(b.header_bytes - b.canonical_header_bytes);
    if (b.kind == BatchKind::kExperimental) {
      sink_.structural(kEvExperimentalBatch, 1, b.header_bytes + std::uint64_t{b.payload_bytes});
      continue;
    }
    sink_.structural(kEvEventBatch, 1, b.header_bytes);
    switch (b.kind) {
      case BatchKind::kEvents: read_events(source, b); break;
      case BatchKind::kCpuSamples: read_cpu_samples(source, b); break;
      default: break;  // sync and tables were read above (and counted there)
    }
  }
  if (padding != 0) sink_.padding(padding);
  if (frame.end_marker) sink_.structural(kEvEndOfGeneration, 1, 1);
  sink_.end_generation(info);
}

template <class Sink>
void Decoder<Sink>::read_sync(TraceSource& source, const BatchRef& b, GenerationInfo& info, bool& have_freq) {
  const std::uint8_t* const base = source.at(b.payload_offset);
  const std::uint8_t* p = base;
  const std::uint8_t* const end = base + b.payload_bytes;
  auto off = [&](const std::uint8_t* q) { return b.payload_offset + static_cast<std::uint64_t>(q - base); };
  if (version_ >= GoVersion::kGo125) {  // the EvSync byte (checked by the framer)
    sink_.structural(kEvSync, 1, 1);
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
      sink_.skipped(static_cast<std::uint64_t>(end - start));
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
      sink_.skipped(static_cast<std::uint64_t>(end - start));
      return;
    }
    sink_.structural(ev.type, 1, ev.size);
  }
  if (info.clock.present && have_freq)
    info.clock.trace_ns = static_cast<std::int64_t>(conv_(static_cast<std::uint64_t>(info.clock.trace_ns)));
}

template <class Sink>
void Decoder<Sink>::read_strings(TraceSource& source, const BatchRef& b) {
  const std::uint8_t* const base = source.at(b.payload_offset);
  const std::uint8_t* p = base + 1;  // the EvStrings byte
  const std::uint8_t* const end = base + b.payload_bytes;
  sink_.structural(kEvStrings, 1, 1);
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
      if (!tables_.strings.insert(id, s))
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
    sink_.skipped(static_cast<std::uint64_t>(end - start));
    break;
  }
  sink_.structural(kEvString, count, bytes);
}

template <class Sink>
void Decoder<Sink>::read_stacks(TraceSource& source, const BatchRef& b) {
  const std::uint8_t* const base = source.at(b.payload_offset);
  const std::uint8_t* p = base + 1;  // the EvStacks byte
  const std::uint8_t* const end = base + b.payload_bytes;
  sink_.structural(kEvStacks, 1, 1);
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
      sink_.skipped(static_cast<std::uint64_t>(end - start));
      break;
    }
    p = q;
    StackRef s{ev.frames, static_cast<std::uint32_t>(ev.frame_bytes), static_cast<std::uint32_t>(ev.args[1])};
    if (!tables_.stacks.insert(ev.args[0], s))
      bad(Issue::kDuplicateStackId, at, "a unique stack ID",
          fmt::format("stack ID {} again (multiple stacks with the same ID)", ev.args[0]));
    // Every frame's function and file must name a string of this generation.
    const std::uint8_t* f = ev.frames;
    const std::uint8_t* const fend = ev.frames + ev.frame_bytes;
    while (f < fend) {
      std::uint64_t v[4] = {0, 0, 0, 0};
      for (auto& x : v) f = read_uvarint(f, fend, x);  // validated by read_raw_event
      if (tables_.strings.find(v[1]) == nullptr || tables_.strings.find(v[2]) == nullptr) {
        const bool func_bad = tables_.strings.find(v[1]) == nullptr;
        bad(Issue::kUnknownStringId, at, fmt::format("{} string IDs of stack {} in the string table", func_bad ? "func" : "file", ev.args[0]),
            fmt::format("unknown string ID {}", func_bad ? v[1] : v[2]));
        break;
      }
    }
    ++count;
    bytes += ev.size;
  }
  sink_.structural(kEvStack, count, bytes);
}

template <class Sink>
void Decoder<Sink>::read_cpu_samples(TraceSource& source, const BatchRef& b) {
  const std::uint8_t* const base = source.at(b.payload_offset);
  const std::uint8_t* p = base + 1;  // the EvCPUSamples byte
  const std::uint8_t* const end = base + b.payload_bytes;
  sink_.structural(kEvCPUSamples, 1, 1);
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
      sink_.skipped(static_cast<std::uint64_t>(end - start));
      break;
    }
    p = q;
    if (ev.args[4] != 0 && tables_.stacks.find(ev.args[4]) == nullptr)
      bad(Issue::kUnknownStackId, at, "a stack ID of this generation's stack table",
          fmt::format("stack ID {} for a CPU sample", ev.args[4]));
    CpuSampleEvent s;
    s.ts_ns = static_cast<std::int64_t>(conv_(ev.args[0]));
    s.m = ev.args[1];
    s.p = ev.args[2];
    s.g = ev.args[3];
    s.stack = ev.args[4];
    s.offset = at;
    sink_.cpu_sample(s);
    ++count;
    bytes += ev.size;
  }
  sink_.structural(kEvCPUSample, count, bytes);
}

template <class Sink>
void Decoder<Sink>::read_events(TraceSource& source, const BatchRef& b) {
  const std::uint8_t* const base = source.at(b.payload_offset);
  const std::uint8_t* p = base;
  const std::uint8_t* const end = base + b.payload_bytes;
  const bool has_m = b.m != kNoThread;
  std::uint64_t cur_g = kNoGoroutine;
  if (has_m) cur_g = ms_.try_emplace(b.m).first->g;

  DecodedEvent ev;
  ev.m = b.m;
  std::uint64_t ts = conv_(b.time);
  while (p < end) {
    const std::uint8_t* const start = p;
    const std::uint8_t type = *p++;
    const int nargs = arg_counts_[type];
    std::uint64_t a[5] = {0, 0, 0, 0, 0};
    bool ok = nargs > 0;
    if (ok) {
      if (end - p >= static_cast<std::ptrdiff_t>(5 * kMaxVarintBytes)) [[likely]] {
        for (int i = 0; i < nargs && ok; ++i) {
          p = read_uvarint_unbounded(p, a[i]);
          ok = p != nullptr;
        }
      } else {
        for (int i = 0; i < nargs && ok; ++i) {
          p = read_uvarint(p, end, a[i]);
          ok = p != nullptr;
        }
      }
    }
    if (!ok) [[unlikely]] {
      const std::uint64_t at = b.payload_offset + static_cast<std::uint64_t>(start - base);
      if (nargs <= 0) {
        const EventSpec& spec = event_spec(type);
        std::string what = spec.name.empty() ? fmt::format("byte 0x{:02x} (<unknown ({})>)", type, type)
                           : spec.since > static_cast<unsigned>(version_)
                               ? fmt::format("{} (type {}, added in go 1.{})", spec.name, type, spec.since)
                               : fmt::format("{} (type {}, not a timed event)", spec.name, type);
        if (!strict_) issues_.add(Issue::kUnknownEventType, at, what);
        bad(Issue::kCorruptBatch, at,
            fmt::format("an event type valid in a go {} event batch", version_name(version_)), what);
      } else {
        const EventSpec& spec = event_spec(type);
        bad(Issue::kCorruptBatch, at, fmt::format("{} uvarint args of {}", nargs, spec.name),
            "a malformed uvarint or the end of the batch");
      }
      sink_.skipped(static_cast<std::uint64_t>(end - start));
      break;
    }
    ts += conv_(a[0]);
    ev.type = type;
    ev.size = static_cast<std::uint32_t>(p - start);
    ev.ts_ns = static_cast<std::int64_t>(ts);
    ev.offset = b.payload_offset + static_cast<std::uint64_t>(start - base);
    ev.args = {a[1], a[2], a[3], a[4]};
    ev.g = cur_g;
    switch (type) {
      case kEvGoStart:
      case kEvGoCreateSyscall:
        cur_g = a[1];
        ev.g = cur_g;
        break;
      case kEvGoSwitch:
      case kEvGoSwitchDestroy:
        cur_g = a[1];  // the event itself belongs to the goroutine switching away
        break;
      case kEvGoStop:
      case kEvGoBlock:
      case kEvGoDestroy:
      case kEvGoDestroySyscall:
      case kEvGoSyscallEndBlocked:
        cur_g = kNoGoroutine;
        break;
      case kEvGoStatus:
      case kEvGoStatusStack: {
        const auto status = static_cast<GoStatus>(a[3] < 5 ? a[3] : 0);
        if (!has_m) break;
        if (status == GoStatus::kRunning || (status == GoStatus::kSyscall && a[2] == b.m)) {
          cur_g = a[1];
          ev.g = cur_g;
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
    sink_.event(ev);
  }
  if (has_m) ms_.try_emplace(b.m).first->g = cur_g;
}

}  // namespace tracebench::trace
