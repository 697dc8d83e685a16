#include "stats/comparison.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

// Reference values and where they come from:
//   [scipy]  scipy 1.17.1, scipy.stats.mannwhitneyu(a, b, alternative="two-sided",
//            method="exact" | "asymptotic") (asymptotic = tie and continuity correction).
//   [binom]  scipy.stats.binom.cdf for the order-statistic ranks; the 12-sample interval
//            also equals scipy.stats.quantile_test(x, q=median, p=0.5).confidence_interval(0.95).
//   [enum]   the null distribution of U by enumerating all C(m+n, m) rank arrangements in
//            Python (itertools.combinations), independent of the dynamic programme here;
//            intervals from R's wilcox.test(conf.int = TRUE) rule: k = qwilcox(alpha/2),
//            bounds sorted(diffs)[k], sorted(diffs)[mn + 1 - k] (1-based).
//   [formula] the normal-approximation Moses interval recomputed in Python from the
//            formula in comparison.h (k - 1 = floor(mn/2 - 1/2 - z * sigma_ties)).
//   [statsmodels] statsmodels.stats.multitest.multipletests(p, method="holm").

namespace tracebench::stats {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// D1: no ties, 7 vs 8 values: exact path.
const std::vector<double> kD1A = {12.1, 10.4, 11.8, 13.0, 12.6, 9.9, 11.2};
const std::vector<double> kD1B = {10.8, 9.7, 10.1, 11.0, 9.5, 10.6, 10.2, 9.8};
// D2: integer data with ties across and within samples: normal path.
const std::vector<double> kD2A = {3, 4, 4, 5, 6, 6, 6, 7, 8};
const std::vector<double> kD2B = {1, 2, 2, 3, 4, 5, 5, 6};

// D3: 60 vs 60 without ties, so the normal path without tie correction.
std::vector<double> d3_a() {
  std::vector<double> v;
  for (int i = 1; i <= 60; ++i) v.push_back(static_cast<double>((7 * i) % 61));
  return v;
}
std::vector<double> d3_b() {
  std::vector<double> v;
  for (int i = 1; i <= 60; ++i) v.push_back(static_cast<double>((11 * i) % 67) + 3.25);
  return v;
}
// D4: 50 vs 50 without ties: the largest exact case. D5 adds one value: normal.
std::vector<double> d4_a() {
  std::vector<double> v;
  for (int i = 0; i < 50; ++i) v.push_back(i + 0.5);
  return v;
}
std::vector<double> d4_b() {
  std::vector<double> v;
  for (int i = 0; i < 50; ++i) v.push_back(i + 0.3 * (i % 3));
  return v;
}

std::vector<double> range(double from, double to) {  // from, from+1, ..., to
  std::vector<double> v;
  for (double x = from; x <= to; x += 1) v.push_back(x);
  return v;
}

// ---- median_ci ----

TEST(MedianCi, KnownAnswerTwelveSamples) {
  // [binom] n = 12: j = 3, coverage 1 - 2 * P(B <= 2) = 0.96142578125.
  const std::vector<double> x = {9.8, 10.3, 10.1, 9.6, 10.9, 10.4, 10.0, 11.5, 9.9, 10.2, 10.6, 10.7};
  const Interval ci = median_ci(x);
  EXPECT_DOUBLE_EQ(ci.estimate, 10.25);
  EXPECT_DOUBLE_EQ(ci.low, 9.9);
  EXPECT_DOUBLE_EQ(ci.high, 10.7);
  EXPECT_EQ(ci.n, 12u);
  EXPECT_DOUBLE_EQ(median_ci_achieved_confidence(12), 0.96142578125);
}

TEST(MedianCi, RanksFollowTheBinomialForEveryN) {
  // [binom] lower rank j and coverage for n = 6 .. 30 at 95%.
  struct Row {
    std::size_t n, j;
    double coverage;
  };
  const Row rows[] = {{6, 1, 0.96875},           {8, 1, 0.9921875},
                      {9, 2, 0.9609375},         {10, 2, 0.978515625},
                      {15, 4, 0.96484375},       {17, 5, 0.950958251953125},
                      {20, 6, 0.9586105346679688}, {25, 8, 0.9567147493362427},
                      {30, 10, 0.9572260547429323}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.n);
    const std::vector<double> x = range(1, static_cast<double>(row.n));  // x(i) == i
    const Interval ci = median_ci(x);
    EXPECT_DOUBLE_EQ(ci.low, static_cast<double>(row.j));
    EXPECT_DOUBLE_EQ(ci.high, static_cast<double>(row.n + 1 - row.j));
    EXPECT_NEAR(median_ci_achieved_confidence(row.n), row.coverage, 1e-12);
    EXPECT_GE(median_ci_achieved_confidence(row.n), 0.95);
  }
}

TEST(MedianCi, UnsortedInputGivesTheSameAnswer) {
  std::vector<double> x = range(1, 20);
  std::mt19937 rng(7);
  std::shuffle(x.begin(), x.end(), rng);
  const Interval ci = median_ci(x);
  EXPECT_DOUBLE_EQ(ci.estimate, 10.5);
  EXPECT_DOUBLE_EQ(ci.low, 6);
  EXPECT_DOUBLE_EQ(ci.high, 15);
}

TEST(MedianCi, BelowSixSamplesGivesMinMaxAndSaysWhatItCovers) {
  const Interval ci = median_ci({5, 3, 4, 1, 2});
  EXPECT_DOUBLE_EQ(ci.estimate, 3);
  EXPECT_DOUBLE_EQ(ci.low, 1);
  EXPECT_DOUBLE_EQ(ci.high, 5);
  // 1 - 2 / 2^n: what the min-max interval covers.
  EXPECT_DOUBLE_EQ(median_ci_achieved_confidence(5), 0.9375);
  EXPECT_DOUBLE_EQ(median_ci_achieved_confidence(4), 0.875);
  EXPECT_DOUBLE_EQ(median_ci_achieved_confidence(3), 0.75);
  EXPECT_DOUBLE_EQ(median_ci_achieved_confidence(2), 0.5);
  EXPECT_LT(median_ci_achieved_confidence(5), 0.95);

  const Interval two = median_ci({4, 2});
  EXPECT_DOUBLE_EQ(two.estimate, 3);
  EXPECT_DOUBLE_EQ(two.low, 2);
  EXPECT_DOUBLE_EQ(two.high, 4);
}

TEST(MedianCi, MinimumSamplesForAConfidence) {
  EXPECT_EQ(median_ci_min_samples(0.95), 6u);
  EXPECT_EQ(median_ci_min_samples(0.99), 8u);  // 1 - 2/128 < 0.99 <= 1 - 2/256
  EXPECT_EQ(median_ci_min_samples(0.90), 5u);
  EXPECT_EQ(median_ci_min_samples(0.5), 2u);
}

TEST(MedianCi, ConfidenceExactlyReachedCounts) {
  // n = 3 at 75%: the min-max interval covers 1 - 2/8 = 0.75 exactly, which is enough.
  EXPECT_DOUBLE_EQ(median_ci_achieved_confidence(3, 0.75), 0.75);
  EXPECT_EQ(median_ci_min_samples(0.75), 3u);
  // n = 4 at 37.5%: P(B <= 1) = 5/16 is exactly the allowed tail, so j = 2: x(2)..x(3).
  EXPECT_DOUBLE_EQ(median_ci_achieved_confidence(4, 0.375), 0.375);
  const Interval ci = median_ci({1, 2, 3, 4}, 0.375);
  EXPECT_DOUBLE_EQ(ci.low, 2);
  EXPECT_DOUBLE_EQ(ci.high, 3);
}

TEST(MedianCi, HigherConfidenceIsWider) {
  const std::vector<double> x = range(1, 40);
  const Interval c90 = median_ci(x, 0.90);
  const Interval c95 = median_ci(x, 0.95);
  const Interval c99 = median_ci(x, 0.99);
  EXPECT_LE(c99.low, c95.low);
  EXPECT_LE(c95.low, c90.low);
  EXPECT_GE(c99.high, c95.high);
  EXPECT_GE(c95.high, c90.high);
  EXPECT_LT(c90.low, c99.low + 10);  // and not absurdly so
}

TEST(MedianCi, EmptyGivesNaNEverywhere) {
  const Interval ci = median_ci({});
  EXPECT_TRUE(std::isnan(ci.estimate));
  EXPECT_TRUE(std::isnan(ci.low));
  EXPECT_TRUE(std::isnan(ci.high));
  EXPECT_EQ(ci.n, 0u);
  EXPECT_EQ(median_ci_achieved_confidence(0), 0.0);
}

TEST(MedianCi, OneSampleHasAnEstimateButNoInterval) {
  const Interval ci = median_ci({42});
  EXPECT_DOUBLE_EQ(ci.estimate, 42);
  EXPECT_TRUE(std::isnan(ci.low));
  EXPECT_TRUE(std::isnan(ci.high));
  EXPECT_EQ(ci.n, 1u);
  EXPECT_EQ(median_ci_achieved_confidence(1), 0.0);
}

TEST(MedianCi, AllTiesGiveAZeroWidthInterval) {
  const Interval ci = median_ci(std::vector<double>(10, 7.5));
  EXPECT_DOUBLE_EQ(ci.estimate, 7.5);
  EXPECT_DOUBLE_EQ(ci.low, 7.5);
  EXPECT_DOUBLE_EQ(ci.high, 7.5);
}

TEST(MedianCi, NaNSamplesAreIgnored) {
  const Interval ci = median_ci({kNaN, 1, 2, 3, kNaN, 4, 5, 6});
  EXPECT_EQ(ci.n, 6u);
  EXPECT_DOUBLE_EQ(ci.estimate, 3.5);
  EXPECT_DOUBLE_EQ(ci.low, 1);
  EXPECT_DOUBLE_EQ(ci.high, 6);
  EXPECT_TRUE(std::isnan(median_ci({kNaN, kNaN}).estimate));
}

TEST(MedianCi, InvalidConfidenceGivesNaNBounds) {
  for (double c : {0.0, 1.0, -0.5, 1.5, kNaN}) {
    SCOPED_TRACE(c);
    const Interval ci = median_ci(range(1, 20), c);
    EXPECT_DOUBLE_EQ(ci.estimate, 10.5);
    EXPECT_TRUE(std::isnan(ci.low));
    EXPECT_TRUE(std::isnan(ci.high));
  }
}

// ---- mann_whitney_u ----

TEST(MannWhitney, ExactKnownAnswer) {
  // [scipy] method="exact": U = 48, p = 0.020512820512820513.
  const MannWhitneyResult r = mann_whitney_u(kD1A, kD1B);
  EXPECT_DOUBLE_EQ(r.u, 48);
  EXPECT_NEAR(r.p_value, 0.020512820512820513, 1e-12);
}

TEST(MannWhitney, CompletelySeparatedSamples) {
  // [scipy] exact: 5 vs 5 gives 2 / C(10, 5) = 0.0079365 (benchstat's "p=0.008 n=5");
  // 10 vs 10 gives 2 / C(20, 10) = 1.0825e-05.
  const MannWhitneyResult five = mann_whitney_u({6, 7, 8, 9, 10}, {1, 2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(five.u, 25);
  EXPECT_NEAR(five.p_value, 0.007936507936507936, 1e-14);
  const MannWhitneyResult ten = mann_whitney_u(range(11, 20), range(1, 10));
  EXPECT_DOUBLE_EQ(ten.u, 100);
  EXPECT_NEAR(ten.p_value, 1.082508822446903e-05, 1e-15);
  // [scipy] 3 vs 7: 2 / C(10, 3) = 0.01666...
  EXPECT_NEAR(mann_whitney_u({1, 2, 3}, range(4, 10)).p_value, 0.016666666666666666, 1e-14);
}

TEST(MannWhitney, LargestExactCase) {
  // [scipy] exact, 50 vs 50: U = 1259, p = 0.9534836062604852.
  const MannWhitneyResult r = mann_whitney_u(d4_a(), d4_b());
  EXPECT_DOUBLE_EQ(r.u, 1259);
  EXPECT_NEAR(r.p_value, 0.9534836062604852, 1e-10);
}

TEST(MannWhitney, AboveFiftySwitchesToTheNormalApproximation) {
  // [scipy] 51 vs 50: asymptotic p = 0.8200008140510717 (exact would be 0.82078).
  std::vector<double> a = d4_a();
  a.push_back(50.5);
  const MannWhitneyResult r = mann_whitney_u(a, d4_b());
  EXPECT_DOUBLE_EQ(r.u, 1309);
  EXPECT_NEAR(r.p_value, 0.8200008140510717, 1e-12);
  // [scipy] 60 vs 60: asymptotic U = 1425, p = 0.04934307295117434.
  const MannWhitneyResult big = mann_whitney_u(d3_a(), d3_b());
  EXPECT_DOUBLE_EQ(big.u, 1425);
  EXPECT_NEAR(big.p_value, 0.04934307295117434, 1e-12);
}

TEST(MannWhitney, TiesUseTheTieCorrectedNormalApproximation) {
  // [scipy] D2 (ties, small): U = 57, p = 0.04579898118336865 (scipy's default also
  // switches to asymptotic with ties).
  const MannWhitneyResult r = mann_whitney_u(kD2A, kD2B);
  EXPECT_DOUBLE_EQ(r.u, 57);
  EXPECT_NEAR(r.p_value, 0.04579898118336865, 1e-12);
}

TEST(MannWhitney, SwappingSamplesKeepsPAndMirrorsU) {
  const std::vector<std::pair<std::vector<double>, std::vector<double>>> cases = {
      {kD1A, kD1B}, {kD2A, kD2B}, {d3_a(), d3_b()}, {{1, 2, 3}, {2.5, 10}}};
  for (const auto& [a, b] : cases) {
    const MannWhitneyResult ab = mann_whitney_u(a, b);
    const MannWhitneyResult ba = mann_whitney_u(b, a);
    EXPECT_DOUBLE_EQ(ab.p_value, ba.p_value);
    EXPECT_DOUBLE_EQ(ab.u + ba.u, static_cast<double>(a.size() * b.size()));
  }
}

TEST(MannWhitney, IdenticalSamplesGivePOne) {
  const std::vector<double> x = {3.1, 2.7, 3.3, 2.9, 3.0, 3.4, 2.8, 3.2};
  const MannWhitneyResult r = mann_whitney_u(x, x);
  EXPECT_DOUBLE_EQ(r.u, 32);  // half of 8 * 8
  EXPECT_DOUBLE_EQ(r.p_value, 1.0);
}

TEST(MannWhitney, ClearShiftWithTenRoundsIsHighlySignificant) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> noise(100, 2);
  std::vector<double> base, treatment;
  for (int i = 0; i < 10; ++i) {
    base.push_back(noise(rng));
    treatment.push_back(noise(rng) + 15);
  }
  EXPECT_LT(mann_whitney_u(base, treatment).p_value, 0.001);
}

TEST(MannWhitney, EdgeCases) {
  EXPECT_DOUBLE_EQ(mann_whitney_u({}, {}).p_value, 1.0);
  EXPECT_DOUBLE_EQ(mann_whitney_u({}, {1, 2, 3}).p_value, 1.0);
  EXPECT_DOUBLE_EQ(mann_whitney_u({1, 2, 3}, {}).u, 0.0);
  // [scipy] 1 vs 1: U = 0, p = 1. All values equal: U = mn/2, p = 1.
  const MannWhitneyResult one = mann_whitney_u({1}, {2});
  EXPECT_DOUBLE_EQ(one.u, 0);
  EXPECT_DOUBLE_EQ(one.p_value, 1.0);
  const MannWhitneyResult ties = mann_whitney_u({5}, {5, 5});
  EXPECT_DOUBLE_EQ(ties.u, 1);
  EXPECT_DOUBLE_EQ(ties.p_value, 1.0);
  EXPECT_DOUBLE_EQ(mann_whitney_u(std::vector<double>(20, 1.0), std::vector<double>(30, 1.0)).p_value, 1.0);
  // NaN samples are dropped before ranking.
  const MannWhitneyResult nan = mann_whitney_u({6, 7, kNaN, 8, 9, 10}, {1, 2, 3, kNaN, 4, 5});
  EXPECT_DOUBLE_EQ(nan.u, 25);
  EXPECT_NEAR(nan.p_value, 0.007936507936507936, 1e-14);
}

TEST(MannWhitney, PValueIsAlwaysAProbability) {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int> size(1, 70);
  std::uniform_int_distribution<int> value(0, 9);  // many ties on purpose
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> a(static_cast<std::size_t>(size(rng))), b(static_cast<std::size_t>(size(rng)));
    for (double& x : a) x = value(rng);
    for (double& x : b) x = value(rng) + (trial % 2 ? 0.5 : 0.0);
    const MannWhitneyResult r = mann_whitney_u(a, b);
    ASSERT_GE(r.p_value, 0.0);
    ASSERT_LE(r.p_value, 1.0);
    ASSERT_GE(r.u, 0.0);
    ASSERT_LE(r.u, static_cast<double>(a.size() * b.size()));
  }
}

// ---- hodges_lehmann_shift ----

TEST(HodgesLehmann, ExactKnownAnswer) {
  // [enum] base D1B, treatment D1A: median of the 56 differences 1.5; k = 11;
  // interval [0.2, 2.4], coverage 0.9599067599067599.
  const Interval hl = hodges_lehmann_shift(kD1B, kD1A);
  EXPECT_NEAR(hl.estimate, 1.5, 1e-12);
  EXPECT_NEAR(hl.low, 0.2, 1e-12);
  EXPECT_NEAR(hl.high, 2.4, 1e-12);
  EXPECT_EQ(hl.n, 15u);
  EXPECT_NEAR(hodges_lehmann_achieved_confidence(8, 7), 0.9599067599067599, 1e-12);
}

TEST(HodgesLehmann, AchievedConfidenceMatchesEnumeration) {
  // [enum] coverage of the exact Moses interval at 95%, by sample sizes.
  struct Row {
    std::size_t m, n;
    double coverage;
  };
  const Row rows[] = {{1, 2, 1.0 / 3}, {2, 2, 2.0 / 3},           {3, 3, 0.9},
                      {4, 4, 0.9714285714285714},                 {5, 5, 0.9682539682539683},
                      {6, 6, 0.9588744588744589},                 {10, 10, 0.9567429474550218},
                      {3, 7, 0.9666666666666667},                 {7, 3, 0.9666666666666667}};
  for (const Row& row : rows) {
    SCOPED_TRACE(testing::Message() << row.m << " vs " << row.n);
    EXPECT_NEAR(hodges_lehmann_achieved_confidence(row.m, row.n), row.coverage, 1e-12);
  }
  EXPECT_EQ(hodges_lehmann_achieved_confidence(1, 1), 0.0);
  EXPECT_EQ(hodges_lehmann_achieved_confidence(0, 5), 0.0);
}

TEST(HodgesLehmann, ConfidenceExactlyReachedCounts) {
  // 3 vs 7: P(U <= 1) = 2/120. At confidence 1 - 4/120 that tail is exactly allowed, so
  // k = 2 and the interval covers exactly the requested confidence.
  EXPECT_NEAR(hodges_lehmann_achieved_confidence(3, 7, 1 - 4.0 / 120), 1 - 4.0 / 120, 1e-12);
}

TEST(HodgesLehmann, SmallSamplesGiveTheWidestInterval) {
  // [enum] 3 vs 3 cannot reach 95% (coverage 0.9): min and max difference.
  const Interval three = hodges_lehmann_shift({1, 2, 3}, {4, 5, 7});
  EXPECT_DOUBLE_EQ(three.estimate, 3);
  EXPECT_DOUBLE_EQ(three.low, 1);
  EXPECT_DOUBLE_EQ(three.high, 6);
  // [enum] 4 vs 4 reaches it with the widest interval (coverage 0.971).
  const Interval four = hodges_lehmann_shift({1, 2, 3, 4.5}, {4, 5, 7, 8});
  EXPECT_DOUBLE_EQ(four.estimate, 3.25);
  EXPECT_DOUBLE_EQ(four.low, -0.5);
  EXPECT_DOUBLE_EQ(four.high, 7);
  // [enum] 3 vs 7: k = 2, [2, 9].
  const Interval three_seven = hodges_lehmann_shift({1, 2, 3}, {4, 5, 7, 8, 9, 10, 11});
  EXPECT_DOUBLE_EQ(three_seven.estimate, 6);
  EXPECT_DOUBLE_EQ(three_seven.low, 2);
  EXPECT_DOUBLE_EQ(three_seven.high, 9);
}

TEST(HodgesLehmann, NormalApproximationKnownAnswers) {
  // [formula] D2 with ties: sigma = 10.264158084152376, k = 16, estimate 2, [0, 4].
  const Interval ties = hodges_lehmann_shift(kD2B, kD2A);
  EXPECT_DOUBLE_EQ(ties.estimate, 2);
  EXPECT_DOUBLE_EQ(ties.low, 0);
  EXPECT_DOUBLE_EQ(ties.high, 4);
  // [formula] D3, 60 vs 60: k = 1427, estimate -6.75, [-13.25, -0.25]: excludes 0, as
  // the Mann-Whitney p of 0.049 says it should.
  const Interval big = hodges_lehmann_shift(d3_b(), d3_a());
  EXPECT_DOUBLE_EQ(big.estimate, -6.75);
  EXPECT_DOUBLE_EQ(big.low, -13.25);
  EXPECT_DOUBLE_EQ(big.high, -0.25);
}

TEST(HodgesLehmann, IdenticalSamplesStraddleZero) {
  const std::vector<double> x = {3.1, 2.7, 3.3, 2.9, 3.0, 3.4, 2.8, 3.2};
  const Interval hl = hodges_lehmann_shift(x, x);
  EXPECT_DOUBLE_EQ(hl.estimate, 0);
  EXPECT_LT(hl.low, 0);
  EXPECT_GT(hl.high, 0);
}

TEST(HodgesLehmann, ClearShiftExcludesZeroWithTheRightSign) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> noise(100, 2);
  std::vector<double> base, treatment;
  for (int i = 0; i < 10; ++i) {
    base.push_back(noise(rng));
    treatment.push_back(noise(rng) + 15);
  }
  const Interval up = hodges_lehmann_shift(base, treatment);
  EXPECT_GT(up.low, 0);
  EXPECT_NEAR(up.estimate, 15, 3);
  EXPECT_LE(up.low, up.estimate);
  EXPECT_GE(up.high, up.estimate);
  const Interval down = hodges_lehmann_shift(treatment, base);
  EXPECT_LT(down.high, 0);
  EXPECT_DOUBLE_EQ(down.estimate, -up.estimate);
  EXPECT_DOUBLE_EQ(down.low, -up.high);
  EXPECT_DOUBLE_EQ(down.high, -up.low);
}

TEST(HodgesLehmann, ShiftingTheTreatmentShiftsEverything) {
  std::vector<double> shifted = kD1A;
  for (double& x : shifted) x += 100;
  const Interval hl = hodges_lehmann_shift(kD1B, kD1A);
  const Interval hl_shifted = hodges_lehmann_shift(kD1B, shifted);
  EXPECT_NEAR(hl_shifted.estimate, hl.estimate + 100, 1e-9);
  EXPECT_NEAR(hl_shifted.low, hl.low + 100, 1e-9);
  EXPECT_NEAR(hl_shifted.high, hl.high + 100, 1e-9);
}

TEST(HodgesLehmann, EdgeCases) {
  const Interval empty = hodges_lehmann_shift({}, {1, 2});
  EXPECT_TRUE(std::isnan(empty.estimate));
  EXPECT_TRUE(std::isnan(empty.low));
  EXPECT_TRUE(std::isnan(empty.high));
  EXPECT_EQ(empty.n, 2u);

  const Interval one = hodges_lehmann_shift({1}, {4});
  EXPECT_DOUBLE_EQ(one.estimate, 3);
  EXPECT_TRUE(std::isnan(one.low));
  EXPECT_TRUE(std::isnan(one.high));

  const Interval one_two = hodges_lehmann_shift({1}, {4, 6});
  EXPECT_DOUBLE_EQ(one_two.estimate, 4);
  EXPECT_DOUBLE_EQ(one_two.low, 3);
  EXPECT_DOUBLE_EQ(one_two.high, 5);

  const Interval ties = hodges_lehmann_shift(std::vector<double>(8, 2.0), std::vector<double>(9, 2.0));
  EXPECT_DOUBLE_EQ(ties.estimate, 0);
  EXPECT_DOUBLE_EQ(ties.low, 0);
  EXPECT_DOUBLE_EQ(ties.high, 0);

  const Interval bad = hodges_lehmann_shift(kD1B, kD1A, 1.0);
  EXPECT_NEAR(bad.estimate, 1.5, 1e-12);
  EXPECT_TRUE(std::isnan(bad.low));
}

// ---- holm_adjust ----

TEST(Holm, KnownVectors) {
  // [statsmodels] holm.
  const std::vector<double> got = holm_adjust({0.01, 0.04, 0.03, 0.005, 0.5, 0.2});
  const std::vector<double> want = {0.05, 0.12, 0.12, 0.03, 0.5, 0.4};
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-15) << i;

  const std::vector<double> tied = holm_adjust({0.02, 0.02, 0.9, 0.001});
  const std::vector<double> tied_want = {0.06, 0.06, 0.9, 0.004};
  for (std::size_t i = 0; i < tied_want.size(); ++i) EXPECT_NEAR(tied[i], tied_want[i], 1e-15) << i;
}

TEST(Holm, CappedAtOneAndMonotone) {
  const std::vector<double> p = {0.3, 0.6, 0.01, 0.9, 0.25};
  const std::vector<double> adj = holm_adjust(p);
  for (std::size_t i = 0; i < p.size(); ++i) {
    EXPECT_GE(adj[i], p[i]);
    EXPECT_LE(adj[i], 1.0);
    for (std::size_t j = 0; j < p.size(); ++j) {
      if (p[i] <= p[j]) {
        EXPECT_LE(adj[i], adj[j]) << i << " " << j;
      }
    }
  }
  EXPECT_DOUBLE_EQ(adj[3], 1.0);  // 0.9 * 2 capped, and the largest stays largest
}

TEST(Holm, EdgeCases) {
  EXPECT_TRUE(holm_adjust({}).empty());
  EXPECT_EQ(holm_adjust({0.03}), std::vector<double>{0.03});
  // NaN counts as 1 but still counts in m.
  const std::vector<double> adj = holm_adjust({0.01, kNaN});
  EXPECT_DOUBLE_EQ(adj[0], 0.02);
  EXPECT_DOUBLE_EQ(adj[1], 1.0);
}

// ---- relative_change ----

TEST(RelativeChange, KnownAnswer) {
  // median(D1B) = 10.15; HL shift 1.5 in [0.2, 2.4]; [scipy] p = 0.020512820512820513.
  const Change c = relative_change(kD1B, kD1A);
  EXPECT_NEAR(c.delta_pct, 1.5 / 10.15 * 100, 1e-9);
  EXPECT_NEAR(c.ci_low_pct, 0.2 / 10.15 * 100, 1e-9);
  EXPECT_NEAR(c.ci_high_pct, 2.4 / 10.15 * 100, 1e-9);
  EXPECT_NEAR(c.p_value, 0.020512820512820513, 1e-12);
  EXPECT_EQ(c.n_base, 8u);
  EXPECT_EQ(c.n_treatment, 7u);
}

TEST(RelativeChange, SignFollowsTheTreatment) {
  const Change down = relative_change(range(101, 110), range(91, 100));
  EXPECT_NEAR(down.delta_pct, -10.0 / 105.5 * 100, 1e-9);
  EXPECT_LT(down.ci_high_pct, 0);
  EXPECT_LT(down.p_value, 0.001);
  // A negative base (e.g. a drift figure) divides by its magnitude: low <= high stays.
  const Change negative = relative_change({-10, -11, -9, -10.5, -9.5, -10.2},
                                          {-5, -6, -4, -5.5, -4.5, -5.2});
  EXPECT_GT(negative.delta_pct, 0);
  EXPECT_LE(negative.ci_low_pct, negative.ci_high_pct);
}

TEST(RelativeChange, EdgeCases) {
  const Change zero_base = relative_change({-1, 0, 1}, {2, 3, 4});
  EXPECT_TRUE(std::isnan(zero_base.delta_pct));
  EXPECT_TRUE(std::isnan(zero_base.ci_low_pct));

  const Change empty = relative_change({}, {1, 2, 3});
  EXPECT_TRUE(std::isnan(empty.delta_pct));
  EXPECT_DOUBLE_EQ(empty.p_value, 1.0);
  EXPECT_EQ(empty.n_base, 0u);
  EXPECT_EQ(empty.n_treatment, 3u);

  const Change same = relative_change(std::vector<double>(6, 50.0), std::vector<double>(6, 50.0));
  EXPECT_DOUBLE_EQ(same.delta_pct, 0);
  EXPECT_DOUBLE_EQ(same.ci_low_pct, 0);
  EXPECT_DOUBLE_EQ(same.ci_high_pct, 0);
  EXPECT_DOUBLE_EQ(same.p_value, 1.0);
}

// ---- Monte Carlo: the methods do what they promise ----

struct Draw {
  std::vector<double> base, treatment;
};

// Round summaries are skewed (a few slow rounds), so draw from a log-normal.
Draw draw(std::mt19937_64& rng, std::size_t n, double shift) {
  std::lognormal_distribution<double> dist(std::log(1000.0), 0.3);
  Draw d;
  for (std::size_t i = 0; i < n; ++i) {
    d.base.push_back(dist(rng));
    d.treatment.push_back(dist(rng) + shift);
  }
  return d;
}

TEST(MonteCarlo, ExactPathFalsePositivesAndCoverage) {
  // n = 10 per side: the exact test's size at 0.05 is 2 * P(U <= 23) = 0.043, and the
  // exact interval covers 0.9567 (AchievedConfidenceMatchesEnumeration).
  constexpr int kDraws = 2000;
  constexpr double kShift = 120;
  std::mt19937_64 rng(20240601);
  int false_positives = 0;
  int covered = 0;
  int median_covered = 0;
  const double true_median = 1000;  // of the log-normal above: exp(mu)
  for (int i = 0; i < kDraws; ++i) {
    const Draw null = draw(rng, 10, 0);
    if (mann_whitney_u(null.base, null.treatment).p_value <= 0.05) ++false_positives;
    const Interval m = median_ci(null.base);
    if (m.low <= true_median && true_median <= m.high) ++median_covered;
    const Draw shifted = draw(rng, 10, kShift);
    const Interval hl = hodges_lehmann_shift(shifted.base, shifted.treatment);
    if (hl.low <= kShift && kShift <= hl.high) ++covered;
  }
  const double fpr = static_cast<double>(false_positives) / kDraws;
  const double coverage = static_cast<double>(covered) / kDraws;
  const double median_coverage = static_cast<double>(median_covered) / kDraws;
  RecordProperty("false_positive_rate", std::to_string(fpr));
  RecordProperty("hl_coverage", std::to_string(coverage));
  RecordProperty("median_coverage", std::to_string(median_coverage));
  EXPECT_LE(fpr, 0.06) << "false positive rate at alpha 0.05";
  EXPECT_GE(fpr, 0.02) << "a test this conservative has lost its power";
  EXPECT_GE(coverage, 0.92) << "95% HL interval coverage";
  EXPECT_LE(coverage, 0.98);
  // median_ci for n = 10 promises 0.9785.
  EXPECT_GE(median_coverage, 0.96);
  EXPECT_LE(median_coverage, 0.995);
}

TEST(MonteCarlo, NormalPathFalsePositivesAndCoverage) {
  // 60 per side: above the exact limit, so the normal approximation decides.
  constexpr int kDraws = 600;
  constexpr double kShift = 40;
  std::mt19937_64 rng(77);
  int false_positives = 0;
  int covered = 0;
  for (int i = 0; i < kDraws; ++i) {
    const Draw null = draw(rng, 60, 0);
    if (mann_whitney_u(null.base, null.treatment).p_value <= 0.05) ++false_positives;
    const Draw shifted = draw(rng, 60, kShift);
    const Interval hl = hodges_lehmann_shift(shifted.base, shifted.treatment);
    if (hl.low <= kShift && kShift <= hl.high) ++covered;
  }
  const double fpr = static_cast<double>(false_positives) / kDraws;
  const double coverage = static_cast<double>(covered) / kDraws;
  RecordProperty("false_positive_rate", std::to_string(fpr));
  RecordProperty("hl_coverage", std::to_string(coverage));
  EXPECT_LE(fpr, 0.07);
  EXPECT_GE(coverage, 0.92);
  EXPECT_LE(coverage, 0.98);
}

TEST(MonteCarlo, HeavyTiesKeepTheFalsePositiveRate) {
  // Summaries rounded to a coarse unit (e.g. whole milliseconds): many ties, so the
  // tie-corrected normal approximation decides even with 12 rounds per side.
  constexpr int kDraws = 2000;
  std::mt19937_64 rng(5);
  std::lognormal_distribution<double> dist(std::log(10.0), 0.2);
  int false_positives = 0;
  for (int i = 0; i < kDraws; ++i) {
    std::vector<double> a, b;
    for (int k = 0; k < 12; ++k) {
      a.push_back(std::round(dist(rng)));
      b.push_back(std::round(dist(rng)));
    }
    if (mann_whitney_u(a, b).p_value <= 0.05) ++false_positives;
  }
  const double fpr = static_cast<double>(false_positives) / kDraws;
  RecordProperty("false_positive_rate", std::to_string(fpr));
  EXPECT_LE(fpr, 0.06);
}

TEST(HodgesLehmann, AchievedConfidenceAboveTheExactLimitIsNormal) {
  // 200 vs 200 would be a 40,000 x 20,000 table exactly; the normal figure is immediate
  // and sits just above the requested confidence (k is rounded down).
  const double c = hodges_lehmann_achieved_confidence(200, 200);
  EXPECT_GE(c, 0.95);
  EXPECT_LT(c, 0.951);
}

}  // namespace
}  // namespace tracebench::stats
