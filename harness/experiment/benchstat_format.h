#pragma once
// Writes a run's rounds in Go benchmark format, one line per round, so that
// `benchstat -col /mode run.bench` compares the modes with Go's own tool.

#include <ostream>

#include "experiment/experiment.h"

namespace tracebench::experiment {

void write_benchstat(std::ostream& out, const RunResult& run);

}  // namespace tracebench::experiment
