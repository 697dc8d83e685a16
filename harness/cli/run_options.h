#pragma once
// `tracebench run` flags → a RunConfig plus output options. --pprof and --agent default to
// probing the target's own address and then HOST:6060; what was tried is reported.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "experiment/run_config.h"

namespace tracebench::cli {

struct RunOptions {
  experiment::RunConfig config;
  std::string out_dir;          // --out: result.json, run.bench, traces; empty: none written
  std::string exec_command;     // --exec: start the target ourselves
  bool pin = false;             // --pin: target and generator on separate CPUs
  bool progress = true;
  bool help = false;
  std::optional<std::int64_t> verify_window_ns;  // --verify-window: verify the recommended size
  std::optional<double> budget_pct;              // --budget: overhead budget for the verdict
  bool pprof_given = false;     // --pprof was set explicitly (a failure is then an error)
  bool agent_given = false;
};

// The least --settle when the trace mode runs (see parse_run_options).
inline constexpr std::int64_t kMinTraceSettleNs = 100'000'000;
// --rate when none is given: half the throughput the warm-up measures closed loop.
inline constexpr const char* kDefaultRunRate = "50%";
// The least --warmup that measures the throughput a --rate share is taken of.
inline constexpr std::int64_t kMinCapacityWarmupNs = 200'000'000;

// Throws UsageError (one line naming the flag and value) on bad input.
RunOptions parse_run_options(const std::vector<std::string>& args);
std::string run_usage();

}  // namespace tracebench::cli
