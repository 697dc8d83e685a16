#pragma once
// What the decoder knows about one generation besides its events: where it lies, its
// clock, how it ended, and per-type counts; and the tables its events refer to.
// Plain values, filled by the decoding thread (see decoder.h for when each part is
// complete).

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "trace/format.h"
#include "trace/tables.h"

namespace tracebench::trace {

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

  void add_count(std::uint8_t type, std::uint64_t events, std::uint64_t bytes) {
    counts[type].events += events;
    counts[type].bytes += bytes;
  }
  // n timed events between first_ns and last_ns.
  void add_timed(std::int64_t first_ns, std::int64_t last_ns, std::uint64_t n) {
    if (n == 0) return;
    if (timed_events == 0) {
      first_event_ns = first_ns;
      last_event_ns = last_ns;
    }
    first_event_ns = std::min(first_event_ns, first_ns);
    last_event_ns = std::max(last_event_ns, last_ns);
    timed_events += n;
  }
};

// Views into the generation's bytes: valid while those bytes are (decoder.h).
struct GenerationTables {
  StringTable strings;
  StackTable stacks;
};

}  // namespace tracebench::trace
