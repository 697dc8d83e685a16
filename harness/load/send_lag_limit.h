#pragma once
// When the generator's own lateness disturbs a round. An open-loop round's send lag (actual
// minus intended send time) at p99 is compared with the run's typical round, not with a
// fixed figure alone: a VM with steady steal runs late by a millisecond or two in every
// round, which blurs every mode alike, while a stall in one round (the VM paused, the
// process stopped) puts that round far out of line with the rest. `run` drops the block of
// such a round and `check` refuses a result that kept one; one definition for both.

#include <algorithm>
#include <cstdint>

namespace tracebench::load {

// Below this a round is never disturbed: a millisecond of lateness at p99 is within what
// the latency figures can carry.
inline constexpr std::int64_t kMaxSendLagP99Ns = 1'000'000;
// How far above the run's median round a round's send lag p99 may go.
inline constexpr double kDisturbedSendLagFactor = 4.0;

// The send lag p99 above which a round is disturbed, given the median over the run's
// complete rounds of their send lag p99.
inline std::int64_t disturbed_send_lag_limit_ns(std::int64_t typical_p99_ns) {
  return std::max(kMaxSendLagP99Ns, static_cast<std::int64_t>(kDisturbedSendLagFactor * static_cast<double>(typical_p99_ns)));
}

}  // namespace tracebench::load
