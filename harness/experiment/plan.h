#pragma once
// The order of a run's rounds: randomized balanced blocks. Each block runs every mode once
// in a random order, so drift (thermal, noisy neighbours, GC state) hits every mode alike
// and no mode always follows another. Deterministic for a given seed.

#include <cstdint>
#include <vector>

#include "experiment/mode.h"

namespace tracebench::experiment {

// rounds_per_mode blocks of the given modes, each block shuffled with a generator seeded
// from `seed`. The result has modes.size() * rounds_per_mode entries.
std::vector<Mode> make_plan(const std::vector<Mode>& modes, int rounds_per_mode, std::uint64_t seed);

}  // namespace tracebench::experiment
