#pragma once
// A log-linear histogram of non-negative durations (ns) for region, task and goroutine
// lifetime quantiles: 64 linear sub-buckets per power of two, so any reported
// quantile is within 1/64 (1.6%) of a value that was recorded; min and max exact.
// Rows of 64 counters are allocated only when a value falls in them, so a histogram
// costs ~0.5 KiB per power of two actually used.
//
// Not thread-safe. No exceptions except std::bad_alloc.

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <memory>

namespace tracebench::trace {

class DurationHistogram {
 public:
  [[gnu::always_inline]] void record(std::int64_t ns) {
    if (ns < 0) ns = 0;
    const auto v = static_cast<std::uint64_t>(ns);
    const unsigned row = row_of(v);
    auto& r = rows_[row];
    if (!r) [[unlikely]]
      r = std::make_unique<std::array<std::uint64_t, kSub>>();
    ++(*r)[sub_of(v, row)];
    ++count_;
    // Summed as unsigned so absurd durations in a corrupt trace wrap instead of overflowing.
    total_ = static_cast<std::int64_t>(static_cast<std::uint64_t>(total_) + v);
    min_ = std::min(min_, ns);
    max_ = std::max(max_, ns);
  }

  std::uint64_t count() const { return count_; }
  std::int64_t total() const { return total_; }
  std::int64_t min() const { return count_ ? min_ : 0; }
  std::int64_t max() const { return count_ ? max_ : 0; }

  // Nearest-rank quantile, q in [0, 1]; the midpoint of the bucket holding that rank,
  // clamped to [min, max]. 0 when empty.
  std::int64_t quantile(double q) const {
    if (count_ == 0) return 0;
    q = std::clamp(q, 0.0, 1.0);
    auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_) + 0.9999999);
    rank = std::clamp<std::uint64_t>(rank, 1, count_);
    std::uint64_t seen = 0;
    for (unsigned row = 0; row < kRows; ++row) {
      if (!rows_[row]) continue;
      for (unsigned s = 0; s < kSub; ++s) {
        seen += (*rows_[row])[s];
        if (seen >= rank) {
          auto [lo, width] = bucket_range(row, s);
          auto mid = static_cast<std::int64_t>(lo + width / 2);
          return std::clamp(mid, min_, max_);
        }
      }
    }
    return max_;
  }

 private:
  static constexpr unsigned kSubBits = 6;
  static constexpr unsigned kSub = 1u << kSubBits;
  static constexpr unsigned kRows = 64 - kSubBits + 1;  // row 0: values < 64, exact

  static unsigned row_of(std::uint64_t v) {
    if (v < kSub) return 0;
    const unsigned top = 63u - static_cast<unsigned>(__builtin_clzll(v));  // >= kSubBits
    return top - kSubBits + 1;
  }
  static unsigned sub_of(std::uint64_t v, unsigned row) {
    if (row == 0) return static_cast<unsigned>(v);
    return static_cast<unsigned>((v >> (row - 1)) & (kSub - 1));
  }
  static std::pair<std::uint64_t, std::uint64_t> bucket_range(unsigned row, unsigned s) {
    if (row == 0) return {s, 1};
    const std::uint64_t width = std::uint64_t{1} << (row - 1);
    return {(std::uint64_t{kSub} + s) * width, width};
  }

  std::array<std::unique_ptr<std::array<std::uint64_t, kSub>>, kRows> rows_;
  std::uint64_t count_ = 0;
  std::int64_t total_ = 0;
  std::int64_t min_ = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_ = 0;
};

}  // namespace tracebench::trace
