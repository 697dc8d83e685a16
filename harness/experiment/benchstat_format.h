#pragma once
// Writes a run's counted rounds (complete, block not dropped) in Go benchmark format, one line per round, so that
// `benchstat -col /mode run.bench` compares the modes with Go's own tool. Lines are grouped
// by mode, off first (benchstat's base is the first column it meets), then the other modes
// in the order of config.modes; within a mode, in run order.

#include <ostream>

#include "experiment/experiment.h"

namespace tracebench::experiment {

void write_benchstat(std::ostream& out, const RunResult& run);

}  // namespace tracebench::experiment
