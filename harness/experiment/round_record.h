#pragma once
// One round's summary: the unit of analysis of a run (never pooled requests).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "experiment/mode.h"
#include "experiment/runtime_figures.h"
#include "experiment/target_cpu.h"
#include "load/load_result.h"

namespace tracebench::experiment {

struct TraceFacts {
  std::string file;                    // where the trace/snapshot was written ("" if deleted)
  std::uint64_t bytes = 0;
  double span_s = 0;                   // first to last event, from the trace's own timestamps
  double bytes_per_s = 0;              // bytes / span_s
  std::optional<double> events_per_s;  // when the reader could parse it
  std::string go_version;              // from the trace header ("go 1.26")
  std::optional<double> parse_mb_per_s;  // tracebench's reader on this file (1e6 bytes/s)
  struct CategoryCounts {
    std::string name;                  // trace::category_name(): "scheduling", "user_annotations", ...
    std::uint64_t events = 0;
    std::uint64_t bytes = 0;
  };
  std::vector<CategoryCounts> categories;  // the event mix, when the reader could parse it
  std::string read_error;              // why the reader could not parse it, if it could not
  // Mode trace: how far the capture reached beyond the measured window, from the trace's own
  // clock snapshot (Go 1.25+): window start minus first event, last event minus window end.
  // Negative where part of the window went untraced; absent when the trace cannot say.
  std::optional<double> window_lead_s;
  std::optional<double> window_trail_s;
};

struct RoundRecord {
  int index = 0;                // position in the run, from 0
  int block = 0;                // the block it belongs to, from 0
  Mode mode = Mode::kOff;
  // Why the round cannot be compared with its block's others (the generator lost its
  // schedule, or a trace capture left part of the window untraced), "" when it can. Its
  // whole block is then dropped (dropped = true on every round of the block), kept in the
  // result and run again.
  std::string disturbed;
  bool dropped = false;
  // False for a round cut short (interrupt, target died): kept in the result, left out of
  // the statistics.
  bool complete = true;
  double measured_s = 0;
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;     // all kinds
  load::ErrorCounts errors_by_kind;
  std::uint64_t resent = 0;     // requests sent again after an unannounced close (load::LoadResult::resent)
  double throughput_rps = 0;
  std::int64_t latency_p50_ns = 0;
  std::int64_t latency_p99_ns = 0;
  std::int64_t latency_p999_ns = 0;
  std::int64_t latency_max_ns = 0;
  double generator_cpu_us_per_request = 0;
  // The load's worker threads alone (load::LoadResult::worker_cpu_s); absent where their
  // clocks could not be read.
  std::optional<double> generator_worker_cpu_us_per_request;
  std::int64_t send_lag_p99_ns = 0;            // open loop only
  // The target's CPU per request from the run's source (RunResult::cpu_source): /proc or
  // the agent; absent when that source had no valid reading this round.
  std::optional<double> target_cpu_us_per_request;
  std::optional<TargetCpu> target_cpu_source;       // kProc or kAgent, with the figure
  // Both sources where both were read, in the same window: /proc (the target's pid known
  // here) and the agent's OS CPU time.
  std::optional<double> proc_cpu_us_per_request;
  std::optional<double> agent_cpu_us_per_request;
  // Why the agent's figures of this round are missing (another process answered, a counter
  // went back, a timeout, garbage), "" when read or not asked for.
  std::string agent_invalid;
  std::optional<RuntimeFigures> runtime;            // from the agent's window
  std::optional<std::uint64_t> target_rss_bytes;    // at the window's end
  // The machine beside the target and tracebench, as % of all its CPUs over the window:
  // other processes' CPU (only when the target's pid is known) and the hypervisor's steal.
  std::optional<double> host_other_cpu_pct;
  std::optional<double> host_steal_pct;
  // The machine's speed over the window: thread-CPU ns of one unit of fixed work, median of
  // target::CpuSpeedProbe's samples (higher: slower CPUs). Absent when the window was too
  // short to sample.
  std::optional<double> cpu_probe_ns;
  std::optional<TraceFacts> trace;             // mode trace: the capture
  std::optional<TraceFacts> snapshot;          // mode flightrecorder: the snapshot
};

}  // namespace tracebench::experiment
