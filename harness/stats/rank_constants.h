#pragma once
// Constants of the rank methods, shared by the unpaired (comparison.cpp) and the
// blocked (paired.cpp) comparisons. Internal to stats/.

#include <limits>

namespace tracebench::stats {

// A figure with no value (no rounds, no interval), as result.json's null.
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Tail probabilities are compared with alpha/2 under a relative fuzz: some exact null
// distributions hit alpha/2 exactly (3 of C(10,3) = 120 arrangements is 0.025), and the
// floating-point sum must not miss that boundary by one ulp.
inline constexpr double kTailFuzz = 1e-9;

// alpha/2 for a two-sided interval at `confidence`, widened by the fuzz.
constexpr double two_sided_tail(double confidence) { return (1 - confidence) / 2 * (1 + kTailFuzz); }

}  // namespace tracebench::stats
