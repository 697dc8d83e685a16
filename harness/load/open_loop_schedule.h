#pragma once
// The open-loop timetable: request k is intended at start + offset + k/rate, computed from k
// rather than accumulated, so no rounding drift builds up over a long run.
// Pure arithmetic; thread-compatible.

#include <cmath>
#include <cstdint>

namespace tracebench::load {

class OpenLoopSchedule {
 public:
  OpenLoopSchedule() = default;
  // rate_rps > 0; offset_ns shifts the whole timetable (workers interleave their requests).
  OpenLoopSchedule(std::int64_t start_ns, double rate_rps, std::int64_t offset_ns = 0)
      : start_ns_(start_ns + offset_ns), interval_ns_(1e9 / rate_rps) {}

  std::int64_t intended_ns(std::uint64_t k) const {
    return start_ns_ + static_cast<std::int64_t>(std::llround(static_cast<double>(k) * interval_ns_));
  }

  // The first index whose intended time is after now_ns or at/after end_ns, searching
  // forward from k (callers keep k as their cursor). Requests [k, result) are due.
  std::uint64_t due_until(std::uint64_t k, std::int64_t now_ns, std::int64_t end_ns) const {
    while (intended_ns(k) <= now_ns && intended_ns(k) < end_ns) ++k;
    return k;
  }

  double interval_ns() const { return interval_ns_; }

 private:
  std::int64_t start_ns_ = 0;
  double interval_ns_ = 0;
};

}  // namespace tracebench::load
