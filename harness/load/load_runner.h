#pragma once
// The load engine's entry point: resolves the target, checks it answers, runs the workers
// over warm-up + measured window + drain, and merges their figures.
//
// Errors: throws std::runtime_error (message names the address) when the target cannot be
// resolved or reached before the run starts; failures during the run are counted in the
// result, never thrown. Blocking; call from one thread.

#include <atomic>
#include <cstdint>
#include <functional>

#include "load/load_config.h"
#include "load/load_result.h"

namespace tracebench::load {

struct Progress {
  double elapsed_s = 0;       // since the warm-up began
  double total_s = 0;         // warm-up + measured window
  bool warming_up = false;
  std::uint64_t requests = 0; // in the measured window so far
  std::uint64_t errors = 0;
  double recent_rps = 0;      // over the last progress period
};

struct RunHooks {
  // Called from the calling thread about every progress_period_ns while load runs.
  std::function<void(const Progress&)> on_progress;
  std::int64_t progress_period_ns = 250'000'000;
  // Set (e.g. from a SIGINT handler) to stop early; the result is then marked incomplete.
  const std::atomic<bool>* interrupt = nullptr;
  // Called from the calling thread as the measured window opens and closes (after the
  // warm-up; at the end or the interrupt), e.g. to read the target's CPU time. Keep short.
  std::function<void()> on_measure_start;
  std::function<void()> on_measure_end;
};

// Thrown when the run cannot start (unresolvable or unreachable target).
class TargetUnreachable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

LoadResult run_load(const LoadConfig& cfg, const RunHooks& hooks = {});

}  // namespace tracebench::load
