#pragma once
// The one clock of the load engine: CLOCK_MONOTONIC in nanoseconds (a vDSO call, ~20 ns).

#include <time.h>

#include <cstdint>

namespace tracebench::load {

inline std::int64_t monotonic_ns() noexcept {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace tracebench::load
