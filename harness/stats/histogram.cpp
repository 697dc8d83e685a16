#include "stats/histogram.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>

namespace tracebench::stats {
namespace {

// 3 significant digits need 2000 distinguishable values per power of two: 2048 sub-buckets,
// of which the upper half is new in each bucket after the first.
constexpr int kSubBucketHalfMagnitude = 10;
constexpr std::int64_t kSubBucketCount = std::int64_t{1} << (kSubBucketHalfMagnitude + 1);  // 2048
constexpr std::int64_t kSubBucketHalfCount = kSubBucketCount / 2;
constexpr std::int64_t kSubBucketMask = kSubBucketCount - 1;

constexpr int bucket_count_for(std::int64_t highest) {
  std::int64_t smallest_untrackable = kSubBucketCount;
  int buckets = 1;
  while (smallest_untrackable <= highest) {
    smallest_untrackable <<= 1;
    ++buckets;
  }
  return buckets;
}

constexpr int kBucketCount = bucket_count_for(Histogram::kHighestTrackableNs);
constexpr std::size_t kCountsLength = static_cast<std::size_t>(kBucketCount + 1) * kSubBucketHalfCount;

int bucket_of(std::int64_t v) {
  const int pow2ceiling = 64 - std::countl_zero(static_cast<std::uint64_t>(v | kSubBucketMask));
  return pow2ceiling - (kSubBucketHalfMagnitude + 1);
}

}  // namespace

Histogram::Histogram() : counts_(kCountsLength, 0) {}

std::size_t Histogram::index_of(std::int64_t v) noexcept {
  const int bucket = bucket_of(v);
  const std::int64_t sub_bucket = v >> bucket;
  return static_cast<std::size_t>(((std::int64_t{bucket} + 1) << kSubBucketHalfMagnitude) +
                                  (sub_bucket - kSubBucketHalfCount));
}

std::int64_t Histogram::value_of(std::size_t index) noexcept {
  std::int64_t bucket = static_cast<std::int64_t>(index >> kSubBucketHalfMagnitude) - 1;
  std::int64_t sub_bucket = static_cast<std::int64_t>(index & (kSubBucketHalfCount - 1)) + kSubBucketHalfCount;
  if (bucket < 0) {
    sub_bucket -= kSubBucketHalfCount;
    bucket = 0;
  }
  return sub_bucket << bucket;
}

std::int64_t Histogram::lowest_equivalent(std::int64_t v) noexcept {
  const int bucket = bucket_of(v);
  return (v >> bucket) << bucket;
}

std::int64_t Histogram::highest_equivalent(std::int64_t v) noexcept {
  const int bucket = bucket_of(v);
  return lowest_equivalent(v) + (std::int64_t{1} << bucket) - 1;
}

void Histogram::record_n(std::int64_t v, std::uint64_t n) noexcept {
  if (v < 0) v = 0;
  if (v > kHighestTrackableNs) {
    v = kHighestTrackableNs;
    clamped_count_ += n;
  }
  counts_[index_of(v)] += n;
  total_count_ += n;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
}

void Histogram::add(const Histogram& other) noexcept {
  if (other.total_count_ == 0) return;
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_count_ += other.total_count_;
  clamped_count_ += other.clamped_count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void Histogram::reset() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_count_ = clamped_count_ = 0;
  min_ = INT64_MAX;
  max_ = 0;
}

double Histogram::mean() const noexcept {
  if (total_count_ == 0) return 0;
  double sum = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    // The bucket's midpoint, as HdrHistogram's mean does.
    const std::int64_t lo = value_of(i);
    const double mid = (static_cast<double>(lo) + static_cast<double>(highest_equivalent(lo))) / 2.0;
    sum += mid * static_cast<double>(counts_[i]);
  }
  return sum / static_cast<double>(total_count_);
}

double Histogram::stddev() const noexcept {
  if (total_count_ == 0) return 0;
  const double m = mean();
  double sq = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    const std::int64_t lo = value_of(i);
    const double mid = (static_cast<double>(lo) + static_cast<double>(highest_equivalent(lo))) / 2.0;
    sq += (mid - m) * (mid - m) * static_cast<double>(counts_[i]);
  }
  return std::sqrt(sq / static_cast<double>(total_count_));
}

std::int64_t Histogram::value_at_percentile(double percentile) const noexcept {
  if (total_count_ == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  auto wanted = static_cast<std::uint64_t>(std::ceil(percentile / 100.0 * static_cast<double>(total_count_)));
  wanted = std::clamp<std::uint64_t>(wanted, 1, total_count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= wanted) return std::clamp(highest_equivalent(value_of(i)), min_, max_);
  }
  return max_;
}

std::vector<Histogram::SpectrumPoint> Histogram::percentile_spectrum(int ticks_per_half_distance) const {
  std::vector<SpectrumPoint> points;
  if (total_count_ == 0) return points;
  assert(ticks_per_half_distance > 0);
  std::size_t index = 0;
  std::uint64_t seen = 0;
  double reporting_level = 0.0;
  // The percentile levels get denser towards 100: each halving of (100 - level) gets
  // ticks_per_half_distance steps, until the last recorded value is reached.
  while (seen < total_count_) {
    const auto wanted = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(reporting_level / 100.0 * static_cast<double>(total_count_))));
    while (seen < wanted && index < counts_.size()) seen += counts_[index++];
    const std::int64_t value = std::clamp(highest_equivalent(value_of(index - 1)), min_, max_);
    points.push_back({reporting_level, value, seen});
    if (seen >= total_count_) break;
    const double half_distance = std::pow(2.0, std::floor(std::log2(100.0 / (100.0 - reporting_level))) + 1);
    reporting_level += 100.0 / (half_distance * ticks_per_half_distance);
  }
  if (points.back().percentile < 100.0) points.push_back({100.0, max_, total_count_});
  return points;
}

}  // namespace tracebench::stats
