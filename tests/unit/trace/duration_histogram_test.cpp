#include "trace/duration_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace tracebench::trace {
namespace {

TEST(DurationHistogram, EmptyReportsZeros) {
  DurationHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.quantile(0.5), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
}

TEST(DurationHistogram, SmallValuesAreExact) {
  DurationHistogram h;
  for (int v : {5, 1, 3, 2, 4}) h.record(v);
  EXPECT_EQ(h.quantile(0.5), 3);
  EXPECT_EQ(h.quantile(1.0), 5);
  EXPECT_EQ(h.quantile(0.0), 1);
  EXPECT_EQ(h.total(), 15);
}

TEST(DurationHistogram, QuantilesAreWithinTwoPercentOfNearestRank) {
  std::mt19937_64 rng(1);
  std::lognormal_distribution<double> dist(10.0, 2.0);
  DurationHistogram h;
  std::vector<std::int64_t> values;
  for (int i = 0; i < 100000; ++i) {
    auto v = static_cast<std::int64_t>(dist(rng));
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.01, 0.5, 0.9, 0.99, 0.999}) {
    auto rank = static_cast<std::size_t>(q * static_cast<double>(values.size()) + 0.9999999);
    const std::int64_t want = values[rank - 1];
    const std::int64_t got = h.quantile(q);
    EXPECT_NEAR(static_cast<double>(got), static_cast<double>(want), 0.02 * static_cast<double>(want) + 1)
        << "q=" << q;
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
}

TEST(DurationHistogram, NegativeDurationsCountAsZero) {
  DurationHistogram h;
  h.record(-5);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.quantile(0.5), 0);
}

}  // namespace
}  // namespace tracebench::trace
