#include "trace/generation_reader.h"

#include <fmt/core.h>

#include "trace/varint.h"

namespace tracebench::trace {

PreparedGeneration& GenerationReader::prepare(TraceSource& source, const FramedGeneration& frame, bool last) {
  std::unique_ptr<PreparedGeneration>& slot = prepared_[generation_index_ % 2];
  if (!slot) slot = std::make_unique<PreparedGeneration>();
  PreparedGeneration& g = *slot;
  g.reset();
  g.source = &source;
  g.batches = frame.batches;
  g.tables = &tables_[generation_index_ % 2];
  GenerationInfo& info = g.info;
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
  read_clock(source, frame, last, info);
  g.conv = conv_;
  read_tables(source, frame, info, *g.tables);

  for (const BatchRef& b : frame.batches) {
    const auto padding = static_cast<std::uint64_t>(b.header_bytes - b.canonical_header_bytes);
    if (b.kind == BatchKind::kExperimental) {
      info.experimental_padding_bytes += padding;
      info.add_count(kEvExperimentalBatch, 1, b.header_bytes + std::uint64_t{b.payload_bytes});
      continue;
    }
    info.padding_bytes += padding;
    info.add_count(kEvEventBatch, 1, b.header_bytes);
    // Event batches are left to the scanner; sync and tables were read above (and
    // counted there).
    if (b.kind == BatchKind::kCpuSamples) read_cpu_samples(source, b, g);
  }
  if (frame.end_marker) info.add_count(kEvEndOfGeneration, 1, 1);
  return g;
}

void GenerationReader::read_clock(TraceSource& source, const FramedGeneration& frame, bool last, GenerationInfo& info) {
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
}

void GenerationReader::read_tables(TraceSource& source, const FramedGeneration& frame, GenerationInfo& info,
                                   GenerationTables& tables) {
  // A cut-short generation lacks the tables written at its end: references into
  // them are then expected to dangle and are not reported.
  check_ids_now_ = !info.truncated;
  tables.strings.clear();
  tables.stacks.clear();
  for (const BatchRef& b : frame.batches)
    if (b.kind == BatchKind::kStrings) read_strings(source, b, info, tables);
  for (const BatchRef& b : frame.batches)
    if (b.kind == BatchKind::kStacks) read_stacks(source, b, info, tables);
}

void GenerationReader::read_sync(TraceSource& source, const BatchRef& b, GenerationInfo& info, bool& have_freq) {
  const std::uint8_t* const base = source.at(b.payload_offset);
  const std::uint8_t* p = base;
  const std::uint8_t* const end = base + b.payload_bytes;
  auto off = [&](const std::uint8_t* q) { return b.payload_offset + static_cast<std::uint64_t>(q - base); };
  if (version_ >= GoVersion::kGo125) {  // the EvSync byte (checked by the framer)
    info.add_count(kEvSync, 1, 1);
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
    info.add_count(ev.type, 1, ev.size);
  }
  if (info.clock.present && have_freq)
    info.clock.trace_ns = static_cast<std::int64_t>(conv_(static_cast<std::uint64_t>(info.clock.trace_ns)));
}

void GenerationReader::read_strings(TraceSource& source, const BatchRef& b, GenerationInfo& info,
                                 GenerationTables& tables) {
  const std::uint8_t* const base = source.at(b.payload_offset);
  const std::uint8_t* p = base + 1;  // the EvStrings byte
  const std::uint8_t* const end = base + b.payload_bytes;
  info.add_count(kEvStrings, 1, 1);
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
  info.add_count(kEvString, count, bytes);
}

void GenerationReader::read_stacks(TraceSource& source, const BatchRef& b, GenerationInfo& info,
                                GenerationTables& tables) {
  const std::uint8_t* const base = source.at(b.payload_offset);
  const std::uint8_t* p = base + 1;  // the EvStacks byte
  const std::uint8_t* const end = base + b.payload_bytes;
  info.add_count(kEvStacks, 1, 1);
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
  info.add_count(kEvStack, count, bytes);
}

void GenerationReader::read_cpu_samples(TraceSource& source, const BatchRef& b, PreparedGeneration& g) {
  GenerationInfo& info = g.info;
  const std::uint8_t* const base = source.at(b.payload_offset);
  const std::uint8_t* p = base + 1;  // the EvCPUSamples byte
  const std::uint8_t* const end = base + b.payload_bytes;
  info.add_count(kEvCPUSamples, 1, 1);
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
    info.add_timed(s.ts_ns, s.ts_ns, 1);
    ++count;
    bytes += ev.size;
  }
  info.add_count(kEvCPUSample, count, bytes);
}

}  // namespace tracebench::trace
