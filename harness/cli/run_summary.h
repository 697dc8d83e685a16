#pragma once
// The terminal form of a run: the plan before it starts, and the table of modes, changes
// against off and the noise floor when it ends.

#include <string>

#include "experiment/analysis.h"
#include "experiment/experiment.h"

namespace tracebench::cli {

std::string format_plan(const experiment::RunResult& run);
std::string format_run_summary(const experiment::RunResult& run, const experiment::Analysis& analysis);

}  // namespace tracebench::cli
