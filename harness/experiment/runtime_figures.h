#pragma once
// Per-request figures of a round from the agent's window (target::AgentWindow): where the
// target's CPU went by the Go runtime's own classes, GC cycles, and the scheduler's latency.
// Pure, thread-safe.

#include <cstdint>
#include <optional>
#include <string>

#include "target/agent_process.h"

namespace tracebench::experiment {

struct RuntimeFigures {
  // The runtime's CPU classes per request, µs. The runtime updates them only when a GC cycle
  // ends, so their difference covers classes_span_s, not the window: the window's rate of
  // requests times that span is the request count they are divided by (the schedule holds
  // the rate steady over a round). Absent, with classes_missing saying why, when the span is
  // not within [kMinClassesSpanShare, kMaxClassesSpanShare] of the window.
  std::optional<target::CpuClasses> cpu_us_per_request;
  std::string classes_missing;
  double classes_span_s = 0;
  double gc_cycles_per_1k_requests = 0;
  // Quantiles of the scheduler latencies recorded between the reads (interpolated inside the
  // runtime's buckets); absent with fewer than kMinSchedWaits waits.
  std::optional<double> sched_latency_p50_ns, sched_latency_p99_ns;
  std::uint64_t heap_objects_bytes = 0, total_memory_bytes = 0, goroutines = 0;  // at the window's end
};

inline constexpr double kMinClassesSpanShare = 0.5;
inline constexpr double kMaxClassesSpanShare = 1.5;
inline constexpr std::uint64_t kMinSchedWaits = 100;

// `served`: responses that arrived inside the window; `measured_s`: the window's length.
RuntimeFigures runtime_figures(const target::AgentWindow& w, double served, double measured_s);

}  // namespace tracebench::experiment
