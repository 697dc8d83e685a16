#pragma once
// The run result model: one versioned JSON document (schema tracebench.run/v1, documented
// in docs/run-result.md). Every report, check and re-render starts from it.

#include <nlohmann/json.hpp>

#include "experiment/analysis.h"
#include "experiment/experiment.h"
#include "result/schema.h"

namespace tracebench::experiment {

using result::kRunSchema;  // "tracebench.run/v1"

// context: the caller's context block (host, CPUs, tool version, command line); the
// target's Go version is added to it here when a trace header told it.
nlohmann::json to_json(const RunResult& run, const Analysis& analysis, nlohmann::json context);

}  // namespace tracebench::experiment
