#include "stats/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace tracebench::stats {
namespace {

// The exact percentile by the same rule as the histogram: the smallest value with at
// least p% of values at or below it.
std::int64_t exact_percentile(std::vector<std::int64_t> v, double p) {
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  rank = std::clamp<std::size_t>(rank, 1, v.size());
  return v[rank - 1];
}

void expect_within_precision(std::int64_t got, std::int64_t exact) {
  // 3 significant digits: the bucket holding a value is at most 1/1024 of it wide.
  EXPECT_GE(got, exact);
  EXPECT_LE(static_cast<double>(got - exact), static_cast<double>(exact) / 1000.0 + 1.0)
      << "got " << got << " exact " << exact;
}

TEST(Histogram, EmptyReportsZeros) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.value_at_percentile(99), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_TRUE(h.percentile_spectrum().empty());
}

TEST(Histogram, SmallValuesAreExact) {
  Histogram h;
  for (std::int64_t v = 0; v < 2048; ++v) h.record(v);
  EXPECT_EQ(h.value_at_percentile(50), 1023);
  EXPECT_EQ(h.value_at_percentile(100), 2047);
  EXPECT_EQ(h.min(), 0);
}

TEST(Histogram, PercentilesMatchExactOnUniformData) {
  Histogram h;
  std::vector<std::int64_t> values;
  for (std::int64_t us = 1; us <= 100'000; ++us) {  // 1 µs .. 100 ms
    values.push_back(us * 1000);
    h.record(us * 1000);
  }
  for (double p : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99}) {
    SCOPED_TRACE(p);
    expect_within_precision(h.value_at_percentile(p), exact_percentile(values, p));
  }
  EXPECT_EQ(h.value_at_percentile(100), 100'000'000);
  EXPECT_EQ(h.max(), 100'000'000);
}

TEST(Histogram, PercentilesMatchExactOnLogNormalData) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(std::log(200'000.0), 1.5);  // median 200 µs, long tail
  Histogram h;
  std::vector<std::int64_t> values;
  for (int i = 0; i < 200'000; ++i) {
    auto v = static_cast<std::int64_t>(dist(rng));
    values.push_back(v);
    h.record(v);
  }
  for (double p : {50.0, 90.0, 99.0, 99.9, 99.99})
    expect_within_precision(h.value_at_percentile(p), exact_percentile(values, p));
}

TEST(Histogram, CoversOneMicrosecondToAHundredSeconds) {
  Histogram h;
  h.record(1'000);
  h.record(100'000'000'000);
  EXPECT_EQ(h.clamped(), 0u);
  EXPECT_EQ(h.value_at_percentile(50), 1'000);
  expect_within_precision(h.value_at_percentile(100), 100'000'000'000);
  EXPECT_LE(Histogram::highest_equivalent(100'000'000'000) - Histogram::lowest_equivalent(100'000'000'000),
            100'000'000);
}

TEST(Histogram, ClampsValuesBeyondRange) {
  Histogram h;
  h.record(Histogram::kHighestTrackableNs * 2);
  EXPECT_EQ(h.clamped(), 1u);
  EXPECT_EQ(h.max(), Histogram::kHighestTrackableNs);
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> dist(1'000, 50'000'000);
  Histogram a, b, all;
  for (int i = 0; i < 50'000; ++i) {
    auto v = dist(rng);
    (i % 3 ? a : b).record(v);
    all.record(v);
  }
  a.add(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  for (double p : {0.0, 25.0, 50.0, 99.0, 99.999, 100.0})
    EXPECT_EQ(a.value_at_percentile(p), all.value_at_percentile(p)) << p;
}

TEST(Histogram, MeanAndStddevAreCloseToExact) {
  Histogram h;
  for (int i = 0; i < 1000; ++i) h.record(i % 2 ? 1'000'000 : 3'000'000);
  EXPECT_NEAR(h.mean(), 2'000'000, 2'000);
  EXPECT_NEAR(h.stddev(), 1'000'000, 2'000);
}

TEST(Histogram, SpectrumIsMonotoneAndEndsAtMax) {
  Histogram h;
  for (std::int64_t v = 1; v <= 10'000; ++v) h.record(v * 997);
  auto s = h.percentile_spectrum(5);
  ASSERT_GT(s.size(), 40u);
  EXPECT_EQ(s.front().percentile, 0.0);
  EXPECT_EQ(s.back().percentile, 100.0);
  EXPECT_EQ(s.back().value_ns, h.max());
  EXPECT_EQ(s.back().count_at_or_below, h.count());
  for (std::size_t i = 1; i < s.size(); ++i) {
    EXPECT_GE(s[i].percentile, s[i - 1].percentile);
    EXPECT_GE(s[i].value_ns, s[i - 1].value_ns);
  }
  // The spectrum reaches beyond 99.9% (needed for HDR-style plots).
  EXPECT_TRUE(std::any_of(s.begin(), s.end(), [](auto& p) { return p.percentile > 99.9 && p.percentile < 100; }));
}

TEST(Histogram, ResetForgetsEverything) {
  Histogram h;
  h.record(5);
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  h.record(9);
  EXPECT_EQ(h.min(), 9);
}

}  // namespace
}  // namespace tracebench::stats
