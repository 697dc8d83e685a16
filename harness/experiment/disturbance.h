#pragma once
// Which blocks of a run were disturbed: a round whose generator lost its schedule far more
// than the run's other rounds did, or one the experiment already marked disturbed (a trace
// capture that left part of its window untraced), cannot be compared with its block's
// others, so the whole block is dropped (kept in the result, left out of the statistics)
// and the run adds another.
//
// The limit is load::disturbed_send_lag_limit_ns of the median round, so a machine that is
// steadily slow (steal in every round) does not drop every block, while a stall in one
// round does. As rounds accrue the median firms up, and a block kept earlier is judged again
// against it: a block once dropped stays dropped.
//
// Thread safety: pure functions over values.

#include <cstdint>

#include "experiment/experiment.h"

namespace tracebench::experiment {

// The median send lag p99 over the run's complete rounds (0 when there are none, and for a
// closed loop, which keeps no schedule).
std::int64_t typical_send_lag_p99_ns(const RunResult& run);

// Marks every round of each disturbed block dropped, sets the disturbed round's `disturbed`
// reason, and appends the block to run.dropped_blocks. Returns the number of clean blocks:
// those whose rounds are all complete and not dropped.
int drop_disturbed_blocks(RunResult& run);

// A warning when the median round itself ran later than load::kMaxSendLagP99Ns: no block
// stands out, but every latency carries up to that much of the generator's delay; "" otherwise.
std::string steady_send_lag_warning(const RunResult& run);

}  // namespace tracebench::experiment
