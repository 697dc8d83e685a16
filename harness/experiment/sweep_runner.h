#pragma once
// `tracebench sweep`'s runs: the three-mode run at each load level (prepare_run /
// execute_run / analyse), its result.json written to OUT/level-N/, summarised and fitted
// by sizing/sweep.h into the sweep document (tracebench.sweep/v1, docs/sizing.md).
// Blocking; call from one thread.

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiment/experiment.h"
#include "experiment/run_config.h"
#include "load/load_runner.h"
#include "sizing/sizing.h"
#include "sizing/sweep.h"

namespace tracebench::experiment {

struct SweepConfig {
  RunConfig base;                  // every run setting; the load level is replaced per level
  sizing::SweepAxis axis = sizing::SweepAxis::kRate;
  std::vector<double> levels;      // run in ascending order
  std::optional<double> production_rate_rps;
  sizing::SizingOptions sizing;    // windows for the predicted sizes
};

struct SweepHooks {
  const std::atomic<bool>* interrupt = nullptr;
  // Before a level's rounds start, with its prepared run (plan, skipped modes).
  std::function<void(std::size_t index, double level, const RunResult&)> on_level_start;
  // Progress inside a level (round index, -1 for the warm-up).
  std::function<void(std::size_t index, int round, Mode, const load::Progress&)> on_progress;
  // After a level, with its entry of levels[].
  std::function<void(std::size_t index, const nlohmann::json& level)> on_level_done;
};

// Runs the levels, writing OUT/level-N/result.json for each, and returns the sweep
// document. A target that cannot be reached at the first level throws
// load::TargetUnreachable; later failures end the sweep with complete = false.
nlohmann::json run_sweep(const SweepConfig& config, const std::string& out_dir, const SweepHooks& hooks,
                         const nlohmann::json& context);

}  // namespace tracebench::experiment
