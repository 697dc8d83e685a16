#pragma once
// Statistics of a blocked design: each block ran every mode once, in random order, so the
// comparison of a mode with its baseline is made inside blocks, where the machine's slow
// drift cancels. The unit is one block's log ratio d = ln(treatment / base); the estimate is
// the Hodges-Lehmann one-sample estimate of d's centre (the median of the Walsh averages),
// its interval the distribution-free one that inverts the Wilcoxon signed-rank test, and its
// p-value that test's. docs/statistics.md says why this and not a bootstrap over blocks.
//
// Why the test is exact here: under "the mode makes no difference", the order of a block's
// rounds was drawn at random, so each block's log ratio is as likely to be d as -d whatever
// the drift: the sign-flip null the signed-rank test assumes holds by construction.
//
// Conventions, as in comparison.h: NaN, infinite and non-positive inputs are dropped pair by
// pair; zero log ratios are dropped (R's and scipy's "wilcox" rule); exact null distribution
// up to kSignedRankExactMaxN pairs without ties, normal approximation with tie and
// continuity correction beyond (R's wilcox.test, scipy.stats.wilcoxon(correction=True)).
// Pure functions, thread-safe, no exceptions but std::bad_alloc.

#include <cstddef>
#include <vector>

#include "stats/comparison.h"

namespace tracebench::stats {

inline constexpr std::size_t kSignedRankExactMaxN = 50;

struct SignedRankResult {
  double v = 0;        // sum of the ranks of |d| over the positive d
  double p_value = 1;  // two-sided
  std::size_t n = 0;   // non-zero differences used
  bool exact = false;
};
// Two-sided Wilcoxon signed-rank test of d against a centre of 0. n == 0 gives p = 1.
SignedRankResult signed_rank_test(const std::vector<double>& d);

// P(V <= v) for the signed-rank statistic of n untied values under the null (n <= 1000).
double signed_rank_cdf(std::size_t n, double v);

// The Hodges-Lehmann estimate of the centre of d (median of the n(n+1)/2 Walsh averages)
// with the interval from the sorted Walsh averages W(k) and W(M+1-k), k the lower critical
// value of the signed-rank null at `confidence` (R's wilcox.test(conf.int = TRUE) in the
// exact case; the normal critical value k = floor(M/2 - z * sigma) beyond
// kSignedRankExactMaxN pairs or with ties). Too few values for the confidence give the
// smallest and largest Walsh average (see signed_rank_achieved_confidence); n == 1 gives NaN
// bounds. Interval::n is the number of values used.
Interval walsh_median_ci(std::vector<double> d, double confidence = 0.95);

// The coverage of walsh_median_ci()'s interval for n untied values: the requested confidence
// or more once n is large enough (6 at 95%), less below; 0 for n <= 1.
double signed_rank_achieved_confidence(std::size_t n, double confidence = 0.95);

// The smallest two-sided signed-rank p-value n pairs can give: 2 / 2^n, at most 1.
double min_signed_rank_p(std::size_t n);

// The half-width, in % of the change, that walsh_median_ci()'s interval at `confidence`
// would have if the sign of every log ratio were drawn at random: the median, over
// kSignBlindPatterns fixed sign patterns put on |d|, of (expm1(high) - expm1(low)) / 2 * 100.
// A function of the magnitudes alone, so a rule that stops a run on it cannot favour the
// moments when the signs line up, which is when the signed-rank test flags (stopping on the
// interval's own width does: docs/statistics.md, "Adaptive length"). Where nothing changes it
// is about the interval's width; where something does it is wider, as the shift counts as
// spread. Values as walsh_median_ci() uses them; fewer than 2 give NaN.
inline constexpr int kSignBlindPatterns = 33;
double sign_blind_half_width_pct(const std::vector<double>& d, double confidence = 0.95);

struct PairedChange {
  double delta_pct = 0;       // exp(HL estimate of the log ratios) - 1, in %
  double ci_low_pct = 0;      // two-sided interval at the confidence asked for
  double ci_high_pct = 0;
  double bound_low_pct = 0;   // one-sided bounds at the same confidence: the true change is
  double bound_high_pct = 0;  // above bound_low (resp. below bound_high) with that confidence
  double p_value = 1;         // signed-rank, unadjusted
  std::size_t n_pairs = 0;
  double ci_coverage = 0;     // what the two-sided interval really covers
  double sign_blind_half_width_pct = 0;  // sign_blind_half_width_pct() of the log ratios; NaN under 2 pairs
};
// The relative change of treatment against base over paired values (same index, same
// block). Pairs where either value is not a positive finite number are dropped. Fewer than
// two pairs give NaN bounds.
PairedChange paired_relative_change(const std::vector<double>& base, const std::vector<double>& treatment,
                                    double confidence = 0.95);

// The same change with the machine's speed taken out: each pair also carries a reference
// measured in the same two rounds that moves with the machine but not with the mode (the
// CPU speed probe), and each log ratio d_i becomes d_i - slope_i * x_i, x_i the reference's
// log ratio in that pair and slope_i the least-squares slope of d on x, with an intercept,
// over the other pairs (leave-one-out). With an intercept because the change itself is the
// intercept: a slope through the origin takes a large change for speed whenever the x happen
// not to average to 0. Leave-one-out because a slope fitted on a pair's own noise shrinks its
// residual, and the signed-rank test on shrunk residuals flags too often with few pairs
// (8% instead of 5% at 8 pairs in scripts/speed_adjustment_simulation.py). The change, its
// interval and p-value are then those of the residuals. Fewer than 4 pairs, or every pair
// tied: no adjustment.
// Pairs where any of the four values is not a positive finite number are dropped.
struct AdjustedChange {
  PairedChange change;  // on the residuals
  double slope = 0;     // fitted on all pairs, for the record; 0 when x does not vary or fewer than 4 pairs
  bool applied = false; // false with fewer than 4 pairs or all tied: the change is then the plain one
};
AdjustedChange paired_relative_change_adjusted(const std::vector<double>& base, const std::vector<double>& treatment,
                                               const std::vector<double>& base_reference,
                                               const std::vector<double>& treatment_reference,
                                               double confidence = 0.95);

}  // namespace tracebench::stats
