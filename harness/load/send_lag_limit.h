#pragma once
// The generator's own lateness that a run can stand: an open-loop round whose send lag
// (actual minus intended send time) is above this at p99 has latencies blurred by the
// generator itself, and is reported invalid (`run`) or fails `check`. One definition for both.

#include <cstdint>

namespace tracebench::load {

inline constexpr std::int64_t kMaxSendLagP99Ns = 1'000'000;

}  // namespace tracebench::load
