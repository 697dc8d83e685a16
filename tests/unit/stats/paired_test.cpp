#include "stats/paired.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

// Reference values: tests/unit/stats/paired_reference.py (scipy 1.17.1's wilcoxon for the
// p-values; R's wilcox.test(conf.int = TRUE) interval rule over a null distribution found by
// enumerating every sign pattern). Rerun it to reproduce each number below.

namespace tracebench::stats {
namespace {

const std::vector<double> kA = {0.031, -0.012, 0.054, 0.022, 0.047, 0.008, 0.065, 0.019, -0.004, 0.038, 0.027, 0.051};
const std::vector<double> kB = {1.3, -0.8, 2.1, -1.7, 0.4, -0.2, 0.9, -1.1};
const std::vector<double> kC = {0.5, 1.5, 2.5, -3.5, 4.5, 5.5, 6.5};

TEST(SignedRank, ExactPValuesMatchScipy) {
  auto a = signed_rank_test(kA);
  EXPECT_TRUE(a.exact);
  EXPECT_DOUBLE_EQ(a.v, 74);
  EXPECT_NEAR(a.p_value, 0.00341796875, 1e-12);
  EXPECT_NEAR(signed_rank_test(kB).p_value, 0.84375, 1e-12);
  EXPECT_NEAR(signed_rank_test(kC).p_value, 0.109375, 1e-12);
}

TEST(SignedRank, NullDistributionMatchesEnumeration) {
  EXPECT_NEAR(signed_rank_cdf(10, 0), 0.0009765625, 1e-15);
  EXPECT_NEAR(signed_rank_cdf(10, 8), 0.0244140625, 1e-15);
  EXPECT_NEAR(signed_rank_cdf(10, 27), 0.5, 1e-15);
  EXPECT_NEAR(signed_rank_cdf(10, 55), 1.0, 1e-15);
  EXPECT_DOUBLE_EQ(signed_rank_cdf(10, -1), 0);
}

TEST(SignedRank, TiesAndLargeSamplesUseTheCorrectedNormalApproximation) {
  const std::vector<double> ties = {0.2, -0.2, 0.5, 0.5, 0.9, 1.1, -0.3, 0.7, 0.9, 0.4};
  auto t = signed_rank_test(ties);
  EXPECT_FALSE(t.exact);
  EXPECT_NEAR(t.p_value, 0.021567871524888073, 1e-9);
  const std::vector<double> big = {
      0.010037,  0.018962,  0.001776,  -0.016718, -0.00364,  -0.019749, 0.011804,  0.050206,  -0.004766, -0.008614,
      0.024695,  0.020707,  0.013162,  -0.017914, 0.009122,  0.030859,  -0.030326, -0.003728, -0.047037, -0.028686,
      -0.045252, 0.002947,  -0.028023, 0.018138,  0.014703,  0.004392,  -0.065503, -0.006161, 0.008545,  0.013399,
      -0.035904, -0.004333, -0.019356, -0.014265, 0.041827,  -0.014226, 0.009024,  0.036532,  -0.007508, 0.006649,
      0.013314,  0.011913,  -0.026752, 0.012284,  0.050765,  -0.036414, 0.035781,  0.013581,  -0.009244, 0.070012,
      0.032868,  -0.025979, 0.012235,  0.027301,  0.004337,  0.030487,  0.008004,  0.030017,  0.053156,  -0.01027};
  auto b = signed_rank_test(big);
  EXPECT_FALSE(b.exact);
  EXPECT_NEAR(b.p_value, 0.25232132396184326, 1e-9);
}

TEST(SignedRank, ZerosAndNonFiniteValuesAreDropped) {
  auto r = signed_rank_test({0.0, 1.0, 2.0, NAN, 3.0, INFINITY});
  EXPECT_EQ(r.n, 3u);
  EXPECT_NEAR(r.p_value, 0.25, 1e-12);  // all three positive: 2 * 1/8
  EXPECT_DOUBLE_EQ(signed_rank_test({}).p_value, 1);
}

TEST(WalshMedian, IntervalsMatchRsRule) {
  auto a = walsh_median_ci(kA);
  EXPECT_NEAR(a.estimate, 0.02925, 1e-12);
  EXPECT_NEAR(a.low, 0.013, 1e-12);
  EXPECT_NEAR(a.high, 0.046, 1e-12);
  EXPECT_EQ(a.n, 12u);
  EXPECT_NEAR(signed_rank_achieved_confidence(12), 0.95751953125, 1e-12);
  auto a90 = walsh_median_ci(kA, 0.90);
  EXPECT_NEAR(a90.low, 0.017, 1e-12);
  EXPECT_NEAR(a90.high, 0.0425, 1e-12);

  auto b = walsh_median_ci(kB);
  EXPECT_NEAR(b.estimate, 0.1, 1e-12);
  EXPECT_NEAR(b.low, -1.1, 1e-12);
  EXPECT_NEAR(b.high, 1.3, 1e-12);
  EXPECT_NEAR(signed_rank_achieved_confidence(8), 0.9609375, 1e-12);
  auto b90 = walsh_median_ci(kB, 0.90);
  EXPECT_NEAR(b90.low, -0.95, 1e-12);
  EXPECT_NEAR(b90.high, 1.1, 1e-12);

  auto c = walsh_median_ci(kC);
  EXPECT_NEAR(c.estimate, 2.75, 1e-12);
  EXPECT_NEAR(c.low, -1.0, 1e-12);
  EXPECT_NEAR(c.high, 5.5, 1e-12);
  EXPECT_NEAR(signed_rank_achieved_confidence(7), 0.953125, 1e-12);
}

TEST(WalshMedian, SmallSamplesSayWhatTheyCover) {
  // Five values cannot reach 95%: 2/32 in the tails at best, so the interval is min to max
  // of the Walsh averages and covers 93.75%.
  auto r = walsh_median_ci({1, 2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(r.low, 1);
  EXPECT_DOUBLE_EQ(r.high, 5);
  EXPECT_NEAR(signed_rank_achieved_confidence(5), 0.9375, 1e-12);
  EXPECT_NEAR(signed_rank_achieved_confidence(6), 0.96875, 1e-12);
  auto one = walsh_median_ci({2.5});
  EXPECT_DOUBLE_EQ(one.estimate, 2.5);
  EXPECT_TRUE(std::isnan(one.low));
  EXPECT_TRUE(std::isnan(walsh_median_ci({}).estimate));
  EXPECT_DOUBLE_EQ(min_signed_rank_p(6), 2.0 / 64);
}

// Reference values: tests/unit/stats/paired_reference.py ("blind" lines: the same sign
// patterns, each pattern's interval from the enumerated null).
TEST(SignBlindHalfWidth, MatchesTheReference) {
  EXPECT_NEAR(sign_blind_half_width_pct(kA), 2.5925037540306324, 1e-9);
  EXPECT_NEAR(sign_blind_half_width_pct(kB), 155.18009670036702, 1e-9);
  EXPECT_TRUE(std::isnan(sign_blind_half_width_pct({0.01})));
}

// The point of it: no sign pattern of the same magnitudes reads differently, so a stop rule
// on it cannot pick the moments when the signs line up.
TEST(SignBlindHalfWidth, DependsOnTheMagnitudesAlone) {
  std::mt19937_64 rng(11);
  std::bernoulli_distribution flip(0.5);
  const double reference = sign_blind_half_width_pct(kA);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> d = kA;
    for (double& v : d)
      if (flip(rng)) v = -v;
    EXPECT_EQ(sign_blind_half_width_pct(d), reference);
  }
  // A shift counts as spread: the same values moved away from 0 read wider, while the
  // interval itself keeps its width.
  std::vector<double> shifted = kB;
  for (double& v : shifted) v += 5;
  const Interval plain = walsh_median_ci(kB), moved = walsh_median_ci(shifted);
  EXPECT_NEAR(moved.high - moved.low, plain.high - plain.low, 1e-12);
  EXPECT_GT(sign_blind_half_width_pct(shifted), 2 * sign_blind_half_width_pct(kB));
}

// Where nothing changes it reads about what the interval does: over many simulated runs of 20
// pairs the median ratio of the two is close to 1.
TEST(SignBlindHalfWidth, IsAboutTheIntervalsWidthWhenNothingChanges) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> noise(0, 0.03);
  std::vector<double> ratios;
  for (int run = 0; run < 400; ++run) {
    std::vector<double> d(20);
    for (double& v : d) v = noise(rng);
    const Interval ci = walsh_median_ci(d);
    const double half = (std::expm1(ci.high) - std::expm1(ci.low)) / 2 * 100;
    ratios.push_back(sign_blind_half_width_pct(d) / half);
  }
  std::sort(ratios.begin(), ratios.end());
  EXPECT_NEAR(ratios[ratios.size() / 2], 1.0, 0.05);
}

// The adaptive stop (`run --precision`, experiment::precision_goal_met): looks after every pair
// from the 10th and stops at the first look where both the 95% half-width and the sign-blind
// one are within the goal, at most 30 pairs; then the test. With no change it must keep the
// test at its level. Stopping on the interval's own width alone does not: 107 of these 1500
// runs flagged (7.1%), and 6.1% to 7.4% in scripts/adaptive_stop_simulation.py, against 4.4% to
// 5.5% there for this rule. The binomial standard error at 5% is 0.56 points.
TEST(AdaptiveStop, StoppingOnTheSignBlindWidthKeepsTheLevel) {
  std::mt19937_64 rng(2026);
  std::normal_distribution<double> speed(0, 0.003), own(0, 0.016), probe_noise(0, 0.004);
  const int runs = 1500, first_look = 10, most = 30;
  const double goal_pct = 1.0;
  int flagged = 0, stopped_early = 0;
  for (int run = 0; run < runs; ++run) {
    std::vector<double> base(most, 1.0), treat, rb(most, 1.0), rt;
    for (int b = 0; b < most; ++b) {
      const double s = speed(rng);
      treat.push_back(std::exp(6 * s + own(rng)));
      rt.push_back(std::exp(s + probe_noise(rng)));
    }
    for (int n = first_look;; ++n) {
      const auto prefix = [n](const std::vector<double>& v) { return std::vector<double>(v.begin(), v.begin() + n); };
      const AdjustedChange a = paired_relative_change_adjusted(prefix(base), prefix(treat), prefix(rb), prefix(rt));
      const double half_width = (a.change.ci_high_pct - a.change.ci_low_pct) / 2;
      if ((half_width <= goal_pct && a.change.sign_blind_half_width_pct <= goal_pct) || n == most) {
        flagged += a.change.p_value < 0.05;
        stopped_early += n < most;
        break;
      }
    }
  }
  EXPECT_GT(stopped_early, runs / 2);  // the rule did the stopping, not the cap
  EXPECT_LE(flagged, runs * 0.062) << flagged << " of " << runs << " flagged";
}

TEST(PairedChange, LogRatiosBackToPercent) {
  const std::vector<double> base = {100, 102, 98, 101, 99, 103, 97, 100, 104, 96};
  const std::vector<double> treat = {103, 104, 101, 103, 103, 104, 101, 102, 106, 100};
  auto c = paired_relative_change(base, treat);
  EXPECT_EQ(c.n_pairs, 10u);
  EXPECT_NEAR(c.delta_pct, 2.5563228316558244, 1e-9);
  EXPECT_NEAR(c.ci_low_pct, 1.9607843137254832, 1e-9);
  EXPECT_NEAR(c.ci_high_pct, 3.581690788800449, 1e-9);
  EXPECT_NEAR(c.bound_low_pct, 1.9704907047526397, 1e-9);
  EXPECT_NEAR(c.bound_high_pct, 3.5496568647967597, 1e-9);
  EXPECT_NEAR(c.p_value, 0.001953125, 1e-12);
}

TEST(PairedChange, BadPairsAreDroppedTogether) {
  auto c = paired_relative_change({100, 0, 100, NAN, 100}, {110, 50, 105, 90, 120});
  EXPECT_EQ(c.n_pairs, 3u);
  auto none = paired_relative_change({1}, {2});
  EXPECT_EQ(none.n_pairs, 1u);
  EXPECT_TRUE(std::isnan(none.ci_low_pct));
}

// Reference values: tests/unit/stats/paired_reference.py ("adjusted:" line).
TEST(AdjustedChange, ResidualsOfTheReferenceMatchNumpyAndScipy) {
  const std::vector<double> base = {100, 102, 98, 101, 99, 103, 97, 100, 104, 96};
  const std::vector<double> treat = {103, 104, 101, 103, 103, 104, 101, 102, 106, 100};
  const std::vector<double> ref_base = {14.1, 14.6, 13.9, 14.4, 15.2, 14.0, 13.8, 14.9, 14.3, 14.7};
  const std::vector<double> ref_treat = {14.3, 14.5, 14.2, 14.5, 15.1, 14.3, 13.9, 15.0, 14.6, 14.6};
  const AdjustedChange a = paired_relative_change_adjusted(base, treat, ref_base, ref_treat);
  EXPECT_TRUE(a.applied);
  EXPECT_NEAR(a.slope, -0.4483610682756655, 1e-12);
  EXPECT_EQ(a.change.n_pairs, 10u);
  EXPECT_NEAR(a.change.delta_pct, 3.0499393370944263, 1e-9);
  EXPECT_NEAR(a.change.ci_low_pct, 2.19745656961786, 1e-9);
  EXPECT_NEAR(a.change.ci_high_pct, 4.0335534194733285, 1e-9);
  EXPECT_NEAR(a.change.bound_low_pct, 2.3065043361059656, 1e-9);
  EXPECT_NEAR(a.change.bound_high_pct, 3.8702980699719314, 1e-9);
  EXPECT_NEAR(a.change.p_value, 0.001953125, 1e-12);
}

// A large change whose rounds happened to run the probe faster (the x average -0.9%): a
// slope through the origin fitted -40 and called +139% what is +238% plain. With the
// intercept the slope stays small and the change stays where it is.
// Reference values: tests/unit/stats/paired_reference.py ("large:" line).
TEST(AdjustedChange, ALargeChangeIsNotTakenForSpeed) {
  const std::vector<double> base = {10.0, 10.4, 9.7, 10.2, 9.9, 10.6, 10.1, 9.8};
  const std::vector<double> treat = {34.1, 33.2, 36.0, 34.4, 32.9, 35.8, 33.6, 34.9};
  const std::vector<double> ref_base = {14.0, 14.2, 13.9, 14.1, 14.0, 14.3, 14.2, 13.8};
  const std::vector<double> ref_treat = {14.19, 13.93, 13.75, 14.0, 14.04, 14.0, 13.77, 13.83};
  const AdjustedChange a = paired_relative_change_adjusted(base, treat, ref_base, ref_treat);
  EXPECT_NEAR(a.slope, 0.885458803901934, 1e-12);
  EXPECT_NEAR(a.change.delta_pct, 240.3833912464572, 1e-9);
  EXPECT_NEAR(a.change.ci_low_pct, 230.46248771491267, 1e-9);
  EXPECT_NEAR(a.change.ci_high_pct, 257.5681049976807, 1e-9);
  EXPECT_NEAR(a.change.p_value, 0.0078125, 1e-12);
}

TEST(AdjustedChange, FewerThanFourPairsAreNotAdjusted) {
  const std::vector<double> base = {100, 102, 98}, treat = {103, 104, 101};
  const AdjustedChange a = paired_relative_change_adjusted(base, treat, {14.1, 14.6, 13.9}, {14.3, 14.5, 14.2});
  const PairedChange plain = paired_relative_change(base, treat);
  EXPECT_FALSE(a.applied);
  EXPECT_EQ(a.slope, 0);
  EXPECT_DOUBLE_EQ(a.change.delta_pct, plain.delta_pct);
}

TEST(AdjustedChange, AReferenceThatDoesNotMoveChangesNothing) {
  const std::vector<double> base = {100, 102, 98, 101, 99, 103, 97, 100};
  const std::vector<double> treat = {103, 104, 101, 103, 103, 104, 101, 102};
  const std::vector<double> flat(8, 14.0);
  const AdjustedChange a = paired_relative_change_adjusted(base, treat, flat, flat);
  const PairedChange plain = paired_relative_change(base, treat);
  EXPECT_EQ(a.slope, 0);
  EXPECT_DOUBLE_EQ(a.change.delta_pct, plain.delta_pct);
  EXPECT_DOUBLE_EQ(a.change.ci_low_pct, plain.ci_low_pct);
  EXPECT_DOUBLE_EQ(a.change.p_value, plain.p_value);
}

// Swapping the two rounds of every pair mirrors the adjusted change exactly.
TEST(AdjustedChange, SwappingEveryPairMirrorsTheChange) {
  std::vector<double> base = {100, 102, 98, 101, 99, 103, 97, 100};
  std::vector<double> treat = {103, 104, 101, 103, 103, 104, 101, 102};
  std::vector<double> rb = {14.1, 14.6, 13.9, 14.4, 15.2, 14.0, 13.8, 14.9};
  std::vector<double> rt = {14.3, 14.5, 14.2, 14.5, 15.1, 14.3, 13.9, 15.0};
  const AdjustedChange before = paired_relative_change_adjusted(base, treat, rb, rt);
  const AdjustedChange mirrored = paired_relative_change_adjusted(treat, base, rt, rb);
  EXPECT_NEAR(mirrored.slope, before.slope, 1e-12);
  EXPECT_NEAR(std::log1p(mirrored.change.delta_pct / 100), -std::log1p(before.change.delta_pct / 100), 1e-12);
  EXPECT_DOUBLE_EQ(mirrored.change.p_value, before.change.p_value);
}

TEST(AdjustedChange, PairsMissingTheReferenceAreDropped) {
  const AdjustedChange a =
      paired_relative_change_adjusted({100, 100, 100, 100}, {110, 105, 120, 90}, {14, 0, 14, NAN}, {14.2, 14, 14.1, 14});
  EXPECT_EQ(a.change.n_pairs, 2u);
}

// Monte Carlo: the machine's speed moves both rounds of a block and, 6 times less, the
// reference (as measured on the project's VM); the adjustment must keep the 95% interval's
// coverage and narrow it.
TEST(AdjustedChange, KeepsCoverageAndNarrowsUnderSharedSpeedNoise) {
  std::mt19937_64 rng(12345);
  std::normal_distribution<double> speed(0, 0.02), own(0, 0.04), probe_noise(0, 0.003);
  const double truth = 0.03;
  int covered_adjusted = 0, covered_plain = 0;
  double width_adjusted = 0, width_plain = 0;
  const int runs = 400, blocks = 20;
  for (int run = 0; run < runs; ++run) {
    std::vector<double> base, treat, rb, rt;
    for (int b = 0; b < blocks; ++b) {
      const double s0 = speed(rng), s1 = speed(rng);
      base.push_back(std::exp(6 * s0 + own(rng)));
      treat.push_back(std::exp(truth + 6 * s1 + own(rng)));
      rb.push_back(std::exp(s0 + probe_noise(rng)));
      rt.push_back(std::exp(s1 + probe_noise(rng)));
    }
    const AdjustedChange a = paired_relative_change_adjusted(base, treat, rb, rt);
    const PairedChange p = paired_relative_change(base, treat);
    const double t = std::expm1(truth) * 100;
    covered_adjusted += a.change.ci_low_pct <= t && t <= a.change.ci_high_pct;
    covered_plain += p.ci_low_pct <= t && t <= p.ci_high_pct;
    width_adjusted += a.change.ci_high_pct - a.change.ci_low_pct;
    width_plain += p.ci_high_pct - p.ci_low_pct;
  }
  EXPECT_GE(covered_adjusted, runs * 0.93) << "adjusted coverage " << covered_adjusted << "/" << runs;
  EXPECT_GE(covered_plain, runs * 0.93);
  EXPECT_LT(width_adjusted, 0.5 * width_plain) << width_adjusted / runs << " vs " << width_plain / runs;
}

// Monte Carlo under "the mode makes no difference": the adjusted signed-rank test must flag
// no more often than its 5%, with few pairs too (a slope fitted on each pair's own noise
// flagged about 7.5% at 8 pairs). 3000 runs: the binomial standard error at 5% is 0.4 points.
TEST(AdjustedChange, FlagsNoMoreThanItsLevelWhenNothingChanges) {
  std::mt19937_64 rng(777);
  std::normal_distribution<double> speed(0, 0.028), own(0, 0.056), probe_noise(0, 0.004);
  const int runs = 3000;
  for (int blocks : {6, 8, 12, 20}) {
    int flagged = 0;
    for (int run = 0; run < runs; ++run) {
      std::vector<double> base(blocks, 1.0), treat, rb(blocks, 1.0), rt;
      for (int b = 0; b < blocks; ++b) {
        const double s = speed(rng);
        treat.push_back(std::exp(6 * s + own(rng)));
        rt.push_back(std::exp(s + probe_noise(rng)));
      }
      flagged += paired_relative_change_adjusted(base, treat, rb, rt).change.p_value < 0.05;
    }
    EXPECT_LE(flagged, runs * 0.062) << blocks << " blocks: " << flagged << " of " << runs << " flagged";
  }
}

// Monte Carlo of the 300 µs test's shape: a change of x3.3 over 8 pairs, with the mode moving
// the probe by -0.8%. The adjustment may carry the bias the premise's failure brings (about
// slope x 0.8%) but must not take the change for speed.
TEST(AdjustedChange, ALargeChangeStaysFoundWhenTheModeMovesTheProbe) {
  std::mt19937_64 rng(4242);
  std::normal_distribution<double> speed(0, 0.028), own(0, 0.056), probe_noise(0, 0.004);
  const double truth = std::log(3.3);
  const int runs = 300;
  int found = 0;
  std::vector<double> estimates;
  for (int run = 0; run < runs; ++run) {
    std::vector<double> base(8, 1.0), treat, rb(8, 1.0), rt;
    for (int b = 0; b < 8; ++b) {
      const double s = speed(rng);
      treat.push_back(std::exp(truth + 6 * s + own(rng)));
      rt.push_back(std::exp(s - 0.008 + probe_noise(rng)));
    }
    const AdjustedChange a = paired_relative_change_adjusted(base, treat, rb, rt);
    found += a.change.p_value < 0.01;
    estimates.push_back(std::log1p(a.change.delta_pct / 100));
  }
  std::sort(estimates.begin(), estimates.end());
  EXPECT_EQ(found, runs);
  EXPECT_NEAR(estimates[runs / 2], truth, 0.1) << "median estimate " << std::expm1(estimates[runs / 2]) * 100 << "%";
}

}  // namespace
}  // namespace tracebench::stats
