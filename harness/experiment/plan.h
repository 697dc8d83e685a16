#pragma once
// The order of a run's rounds: randomized balanced blocks. Each block runs every mode once
// in a random order, so drift (thermal, noisy neighbours, GC state) hits every mode alike
// and no mode always follows another. Deterministic for a given seed.

#include <cstdint>
#include <random>
#include <vector>

#include "experiment/mode.h"

namespace tracebench::experiment {

// Blocks of the given modes, one after the other, each shuffled by one generator seeded
// from `seed`: the n-th block is the same however many are drawn, so a run that adds
// blocks (adaptive length, a disturbed block run again) keeps the order of a fixed one.
class BlockOrder {
 public:
  BlockOrder(std::vector<Mode> modes, std::uint64_t seed);
  std::vector<Mode> next();

 private:
  std::vector<Mode> modes_;
  std::mt19937_64 rng_;
};

// The first `blocks` blocks of BlockOrder(modes, seed), concatenated.
std::vector<Mode> make_plan(const std::vector<Mode>& modes, int blocks, std::uint64_t seed);

}  // namespace tracebench::experiment
