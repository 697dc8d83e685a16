#pragma once
// The agent's process sample (GET /debug/tracebench/flightrecorder/process, docs/agent.md):
// the target's CPU time from its operating system and a few runtime/metrics, and what two
// of them taken at a window's edges say about that window. Pure, thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tracebench::target {

// The runtime's CPU classes (/cpu/classes/...:cpu-seconds), cumulative seconds. The runtime
// updates them only at the end of each GC cycle; user + gc_total + scavenge_total + idle =
// total by its construction.
struct CpuClasses {
  double user = 0, gc_total = 0, gc_mark_assist = 0, gc_mark_dedicated = 0, gc_mark_idle = 0, gc_pause = 0,
         scavenge_total = 0, idle = 0, total = 0;
};

struct AgentProcessSample {
  std::int64_t pid = 0;
  std::int64_t started_unix_ns = 0;  // with pid, tells a restarted process from the one read before
  std::int64_t taken_unix_ns = 0;
  std::int64_t cpu_user_ns = -1;     // from the OS (getrusage); -1 where it gives none
  std::int64_t cpu_system_ns = -1;
  std::int64_t gomaxprocs = 0;
  CpuClasses cpu_classes_s;
  std::uint64_t gc_cycles = 0;
  std::uint64_t heap_objects_bytes = 0, total_memory_bytes = 0, goroutines = 0;
  // /sched/latencies:seconds: counts[i] waits in [boundaries_s[i], boundaries_s[i+1]);
  // the ends may be -inf and +inf.
  std::vector<double> sched_boundaries_s;
  std::vector<std::uint64_t> sched_counts;
};

// Parses the agent's process JSON. Throws std::invalid_argument, one line naming the key and
// what was expected, when it is not a JSON object, a field is missing or of the wrong type,
// or the histogram's boundaries do not fit its counts.
AgentProcessSample parse_agent_process_sample(const std::string& json_text);

// What happened in the process between two samples: differences, never negative.
struct AgentWindow {
  double cpu_s = 0;            // user + system, from the OS
  double cpu_user_s = 0, cpu_system_s = 0;
  CpuClasses cpu_classes_s;    // differences of the runtime's classes
  // The time the classes' difference covers: from the last GC cycle before the first read
  // to the last before the second (total / GOMAXPROCS). 0 when no GC cycle ended between.
  double classes_span_s = 0;
  std::uint64_t gc_cycles = 0;
  std::vector<double> sched_boundaries_s;
  std::vector<std::uint64_t> sched_counts;  // waits that began and ended scheduling between the reads
  // At the second read.
  std::uint64_t heap_objects_bytes = 0, total_memory_bytes = 0, goroutines = 0;
};

// The window between two samples, or why there is none (`invalid`, one line): another
// process answered (pid or start time changed: the target restarted between the reads), a
// counter went backwards, GOMAXPROCS or the histogram's buckets changed, or the OS gave no
// CPU time.
struct AgentWindowOrWhy {
  std::optional<AgentWindow> window;
  std::string invalid;
};
AgentWindowOrWhy agent_window(const AgentProcessSample& before, const AgentProcessSample& after);

}  // namespace tracebench::target
