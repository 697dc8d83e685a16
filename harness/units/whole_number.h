#pragma once
// Doubles as integers, where the double comes from a result file or is computed from one. A
// cast of a double outside the integer type's range, or of NaN, is undefined behaviour, and a
// result file can hold any number (the fuzzer found 1.9e92 blocks); these never cast one. Pure.

#include <cmath>
#include <cstdint>
#include <limits>

namespace tracebench::units {

// v cut toward zero when it is finite and inside int64's range, else `fallback`.
inline std::int64_t int64_or(double v, std::int64_t fallback) {
  constexpr double kLimit = 9.2e18;  // below 2^63
  return std::isfinite(v) && std::fabs(v) < kLimit ? static_cast<std::int64_t>(v) : fallback;
}

// v cut toward zero, held to [0, UINT64_MAX]; NaN reads as 0.
inline std::uint64_t uint64_saturated(double v) {
  constexpr double kTwoTo64 = 18446744073709551616.0;
  if (!(v > 0)) return 0;
  if (v >= kTwoTo64) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(v);
}

}  // namespace tracebench::units
