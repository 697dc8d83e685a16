#pragma once
// Everything a three-mode run needs, validated by the cli before the run starts.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "experiment/mode.h"
#include "experiment/target_cpu.h"
#include "load/load_config.h"

namespace tracebench::experiment {

struct RunConfig {
  load::LoadConfig load;               // target, request, schedule; no phases: each load run gets its own
  // Open loop at this share (0 to 1] of the closed-loop throughput measured in the warm-up:
  // the warm-up runs closed loop and then sets load.open_loop. At a fixed rate below what the
  // target can serve, its CPU per request does not move with the closed loop's batching,
  // which at saturation varies by tens of percent from one second to the next.
  std::optional<double> rate_share;
  std::vector<Mode> modes = {Mode::kOff, Mode::kTrace, Mode::kFlightRecorder};
  // A block runs every mode once, in random order; a round's measured window is phase_ns().
  // Fixed design: rounds_per_mode clean blocks. With `precision`, rounds_per_mode is the
  // least number of clean blocks and more are added (see PrecisionGoal).
  std::int64_t duration_per_mode_ns = 30'000'000'000;  // measured time per mode, split into rounds
  int rounds_per_mode = 10;
  // Adaptive length: after each clean block past rounds_per_mode, the run stops once every
  // watched comparison (each mode against off, on throughput and, when measured, target CPU
  // per request) has a 95% interval no wider than ±pct, or when another block would end
  // after max_duration_ns of wall time from the run's start (warm-up included).
  struct PrecisionGoal {
    double pct = 1.0;
    std::int64_t max_duration_ns = 120'000'000'000;
  };
  std::optional<PrecisionGoal> precision;
  // A block with a disturbed round (the generator lost its schedule) is dropped and run
  // again; at most this many are dropped before the run stops asking for more.
  int max_dropped_blocks = 10;
  // Settle after a round that ran with tracing on, before the next round's window: the
  // target's heap and buffers from the tracer otherwise weigh on the next round (carry-over).
  std::int64_t settle_after_tracing_ns = 0;  // 0: settle_ns
  std::int64_t warmup_ns = 5'000'000'000;   // load before the first round, recorded nowhere
  std::int64_t settle_ns = 300'000'000;     // load after a mode switch, before each round's window
  std::uint64_t seed = 1;

  std::optional<load::Endpoint> pprof;  // where /debug/pprof/trace is served
  std::optional<load::Endpoint> agent;  // where the flight-recorder agent is served
  std::string agent_token;
  // Why the flightrecorder mode cannot run when discovery found no agent: what was tried at
  // each address and how to fix it, one line (the cli fills it). Empty: a generic hint.
  std::string agent_skip_reason;
  std::int64_t fr_min_age_ns = 0;       // 0: Go's default (10 s)
  std::uint64_t fr_max_bytes = 0;       // 0: Go's default (10 MiB)

  std::optional<int> target_pid;        // for /proc CPU and RSS; found from the port if local
  TargetCpu target_cpu = TargetCpu::kAuto;  // where target CPU per request comes from
  std::string out_dir;                  // traces and snapshots go here while the run lasts
  bool keep_traces = false;             // keep them after analysis

  std::int64_t phase_ns() const { return duration_per_mode_ns / rounds_per_mode; }
};

}  // namespace tracebench::experiment
