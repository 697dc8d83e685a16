// Expected values from bucket_quantile_reference.py (an independent expansion of each
// histogram into evenly spread values, read with numpy).
#include "stats/bucket_quantile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace tracebench::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(BucketQuantile, MatchesTheReference) {
  const std::vector<double> runtime_like = {-kInf, 0.0, 1e-6, 2e-6, 4e-6, 8e-6, kInf};
  const std::vector<std::uint64_t> runtime_counts = {0, 10, 30, 40, 15, 5};
  EXPECT_NEAR(*bucket_quantile(runtime_like, runtime_counts, 0.05), 5e-07, 1e-18);
  EXPECT_NEAR(*bucket_quantile(runtime_like, runtime_counts, 0.5), 2.4999999999999998e-06, 1e-18);
  EXPECT_NEAR(*bucket_quantile(runtime_like, runtime_counts, 0.9), 6.666666666666667e-06, 1e-18);
  EXPECT_NEAR(*bucket_quantile(runtime_like, runtime_counts, 0.99), 8e-06, 1e-18);
  EXPECT_DOUBLE_EQ(*bucket_quantile({1.0, 2.0}, {4}, 0.25), 1.25);
  EXPECT_DOUBLE_EQ(*bucket_quantile({1.0, 2.0}, {4}, 0.5), 1.5);
  EXPECT_DOUBLE_EQ(*bucket_quantile({1.0, 2.0}, {4}, 0.75), 1.75);
  EXPECT_DOUBLE_EQ(*bucket_quantile({0.0, 1.0, 2.0, 3.0, 4.0}, {3, 0, 0, 1}, 0.5), 0.6666666666666666);
  EXPECT_DOUBLE_EQ(*bucket_quantile({0.0, 1.0, 2.0, 3.0, 4.0}, {3, 0, 0, 1}, 0.75), 1.0);
}

TEST(BucketQuantile, ValuesOnlyBelowTheFirstFiniteEdgeGiveThatEdge) {
  EXPECT_DOUBLE_EQ(*bucket_quantile({-kInf, 1.0, kInf}, {5, 0}, 0.5), 1.0);
}

TEST(BucketQuantile, NoAnswerWithoutValuesOrWithBadShapes) {
  EXPECT_FALSE(bucket_quantile({0.0, 1.0}, {0}, 0.5));
  EXPECT_FALSE(bucket_quantile({0.0, 1.0}, {}, 0.5));
  EXPECT_FALSE(bucket_quantile({0.0, 1.0, 2.0}, {1}, 0.5));
  EXPECT_FALSE(bucket_quantile({0.0, 1.0}, {1}, 0.0));
  EXPECT_FALSE(bucket_quantile({0.0, 1.0}, {1}, 1.0));
  EXPECT_FALSE(bucket_quantile({0.0, 1.0}, {1}, std::nan("")));
}

}  // namespace
}  // namespace tracebench::stats
