#pragma once
// Capacity planning, the maths: a model of trace bytes/sec and overhead against load, so a
// report can answer for a production load that was not run here. experiment/sweep_runner.h
// runs the levels. The sweep document is schema tracebench.sweep/v1 (docs/sizing.md).
//
//   levels → one full run each (experiment::run_sweep), its result.json written to
//            OUT/level-N/, summarised into levels[] (summarize_level)
//   model  → least squares over the levels that were reached and valid:
//            trace bytes/s = idle + bytes_per_request × throughput (x = the trace rounds'
//            median throughput), and each mode's change against off (%) = a + b × load
//            (x = the off rounds' median throughput); with a production rate, predictions
//            there, flagged when they extrapolate beyond the measured range.
//
// A level of an open-loop sweep is reached when the off rounds' median throughput is at
// least kReachedFraction of the asked rate; one that is not is reported and not fitted,
// and higher rates are not run. Pure; thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "result/schema.h"
#include "sizing/sizing.h"

namespace tracebench::sizing {

using result::kSweepSchema;  // "tracebench.sweep/v1"
inline constexpr double kReachedFraction = 0.9;

enum class SweepAxis {
  kRate,         // open loop: levels are request rates (req/s)
  kConnections,  // closed loop: levels are connection counts
};
std::string_view to_string(SweepAxis axis);  // "rate_rps", "connections"

// A level's entry of levels[] from its run result (tracebench.run/v1): load, status
// ("measured", "not_reached", "failed"; run_sweep adds "not_run"), the run's
// invalid_reasons (a level marked invalid is still fitted: generator lag blurs latencies,
// not trace rates), per-mode medians and comparisons.
nlohmann::json summarize_level(const nlohmann::json& run_result, SweepAxis axis, double level, std::size_t index);

// The "model" object from levels[] (only "measured" levels are fitted).
nlohmann::json fit_model(const nlohmann::json& levels, std::optional<double> production_rate_rps,
                         const SizingOptions& sizing);


}  // namespace tracebench::sizing
