#pragma once
// A log-linear latency histogram in the manner of HdrHistogram: values in nanoseconds,
// 3 significant decimal digits of precision over [1 ns, 1 h], so every value from 1 µs to
// minutes is kept within 0.1% whatever the run's duration.
//
// Memory is constant (about 270 KiB of counters, allocated once in the constructor);
// record() is O(1) with no allocation. Histograms are mergeable: add() sums counts, so
// per-thread and per-round histograms combine into exact totals.
//
// Thread safety: none. Each worker thread records into its own histogram; merge after.
// Values above the highest trackable value are clamped to it and counted in clamped().

#include <cstdint>
#include <vector>

namespace tracebench::stats {

class Histogram {
 public:
  static constexpr std::int64_t kHighestTrackableNs = 3'600'000'000'000;  // 1 hour
  static constexpr int kSignificantDigits = 3;

  Histogram();

  // Records one value (ns). Negative values are recorded as 0.
  void record(std::int64_t value_ns) noexcept { record_n(value_ns, 1); }
  void record_n(std::int64_t value_ns, std::uint64_t count) noexcept;

  // Sums other's counts into this one.
  void add(const Histogram& other) noexcept;
  void reset() noexcept;

  std::uint64_t count() const noexcept { return total_count_; }
  std::uint64_t clamped() const noexcept { return clamped_count_; }
  std::int64_t min() const noexcept { return total_count_ ? min_ : 0; }
  std::int64_t max() const noexcept { return total_count_ ? max_ : 0; }
  double mean() const noexcept;
  double stddev() const noexcept;

  // The smallest recorded value v such that at least `percentile`% of values are <= v,
  // reported as the highest value equivalent to v's bucket (as HdrHistogram does) and
  // clamped to [min(), max()]. percentile in [0, 100]; 0 for an empty histogram.
  std::int64_t value_at_percentile(double percentile) const noexcept;

  struct SpectrumPoint {
    double percentile;        // in [0, 100]
    std::int64_t value_ns;
    std::uint64_t count_at_or_below;
  };
  // The full percentile spectrum (HdrHistogram's percentile iteration): points whose
  // spacing halves with each halving of the distance to 100%, ticks_per_half_distance
  // per half. Ends with the 100% point (max). Empty for an empty histogram.
  std::vector<SpectrumPoint> percentile_spectrum(int ticks_per_half_distance = 5) const;

  // Lowest and highest values that share value's bucket; exposed for tests.
  static std::int64_t lowest_equivalent(std::int64_t value_ns) noexcept;
  static std::int64_t highest_equivalent(std::int64_t value_ns) noexcept;

 private:
  static std::size_t index_of(std::int64_t value_ns) noexcept;
  static std::int64_t value_of(std::size_t index) noexcept;

  std::vector<std::uint64_t> counts_;
  std::uint64_t total_count_ = 0;
  std::uint64_t clamped_count_ = 0;
  std::int64_t min_ = INT64_MAX;
  std::int64_t max_ = 0;
};

}  // namespace tracebench::stats
