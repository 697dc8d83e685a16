#pragma once
// Trace-clock ticks to nanoseconds, exactly as the Go reader converts them:
// ns_per_tick = 1 / (freq / 1e9) as a double, and each value converted on its own
// (a batch's base time and every delta separately, then summed). On Linux (15.625 MHz,
// 64 ns per tick) this is exact integer arithmetic. A plain value: thread-compatible.

#include <cmath>
#include <cstdint>

namespace tracebench::trace {

// end - begin of two converted times, wrapping as Go's int64 arithmetic does: in a corrupt
// trace the two may lie at opposite ends of the range, where a signed subtraction overflows.
inline std::int64_t wrapping_difference_ns(std::int64_t end_ns, std::int64_t begin_ns) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(end_ns) - static_cast<std::uint64_t>(begin_ns));
}

// a + b, wrapping the same way: sums of durations from a corrupt trace.
inline std::int64_t wrapping_sum_ns(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

class TickConverter {
 public:
  void set_frequency(std::uint64_t ticks_per_second) {
    ticks_per_second_ = ticks_per_second;
    ns_per_tick_ = 1.0 / (static_cast<double>(ticks_per_second) / 1e9);
    const double whole = std::floor(ns_per_tick_);
    int_factor_ = (whole == ns_per_tick_ && whole >= 1.0 && whole <= 1048576.0) ? static_cast<std::uint64_t>(whole) : 0;
  }
  std::uint64_t ticks_per_second() const { return ticks_per_second_; }
  // The exact integer ns-per-tick factor, or 0 when the conversion needs floating point.
  std::uint64_t int_factor() const { return int_factor_; }
  double ns_per_tick() const { return ns_per_tick_; }

  // Nanoseconds as the two's-complement bits of the int64 result, so that sums wrap
  // instead of overflowing.
  std::uint64_t operator()(std::uint64_t ticks) const {
    if (int_factor_ != 0) [[likely]]
      return ticks * int_factor_;
    double v = static_cast<double>(ticks) * ns_per_tick_;
    if (!(v < 9.2e18)) v = 9.2e18;  // Go's conversion of such values is undefined too
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
  }

 private:
  std::uint64_t ticks_per_second_ = 0;
  double ns_per_tick_ = 0;
  std::uint64_t int_factor_ = 0;
};

}  // namespace tracebench::trace
