#pragma once
// A/B statistics over per-round summaries, as benchstat does them and more: medians with
// distribution-free confidence intervals, the Mann-Whitney U test, a Hodges-Lehmann
// confidence interval on the change itself, and Holm's correction across comparisons.
// docs/statistics.md explains each figure for readers of benchstat output.
//
// The unit of analysis is one round's summary (e.g. one round's throughput), never pooled
// requests. All functions are pure and thread-safe; none throws except std::bad_alloc.
//
// Small and degenerate inputs, everywhere:
//   - NaN samples are ignored; every `n` counts only the samples used.
//   - An empty input gives a NaN estimate and NaN bounds. NaN never appears in estimates of
//     non-empty inputs.
//   - When the data admit no interval at all (one sample for a median, one sample on each
//     side for a shift), the bounds are NaN.
//   - When there are too few samples to reach the requested confidence, the bounds are the
//     widest the data give (min and max) and the *_achieved_confidence() functions say what
//     that interval really covers; benchstat prints "need >= 6 samples for confidence
//     interval at level 0.95" in the same situation, and callers should warn likewise.
//   - A confidence outside (0, 1) gives NaN bounds.
//
// Exactness: distribution-free results assume continuous data. Ties (equal round
// summaries) switch the Mann-Whitney test and the shift interval to the normal
// approximation with tie correction, as R's wilcox.test and scipy do.

#include <cstddef>
#include <vector>

namespace tracebench::stats {

struct Interval {
  double estimate = 0;  // the point estimate
  double low = 0;       // lower bound of the confidence interval (NaN when n is too small)
  double high = 0;      // upper bound
  std::size_t n = 0;    // samples it rests on (for a shift: base plus treatment)
};

// The sample median (mean of the two middle values for even n) with a distribution-free
// confidence interval from order statistics: the sorted samples x(j) and x(n+1-j) with
// the largest j such that P(j <= B <= n-j) >= confidence for B ~ Binomial(n, 1/2), the
// number of samples below the true median. At 95% this needs n >= 6; with 2 <= n < 6 the
// bounds are the min and max and median_ci_achieved_confidence() says what they really
// give (e.g. 93.75% for n = 5, 50% for n = 2). n == 1 gives NaN bounds.
Interval median_ci(std::vector<double> samples, double confidence = 0.95);

// The coverage of the interval median_ci() returns for n samples: the requested
// confidence or more once n is large enough, less below that, 0 for n <= 1.
double median_ci_achieved_confidence(std::size_t n, double confidence = 0.95);

// The smallest n for which median_ci() reaches `confidence` (6 at 0.95, 8 at 0.99).
std::size_t median_ci_min_samples(double confidence = 0.95);

struct MannWhitneyResult {
  double u = 0;        // U statistic of sample a: #(a_i > b_j) + #(a_i == b_j) / 2
  double p_value = 1;  // two-sided; exact for small samples without ties, else normal
                       // approximation with tie and continuity correction
};
// Two-sided Mann-Whitney U (Wilcoxon rank-sum) test of a against b. The p-value is exact
// (the null distribution of U by dynamic programming) when both samples have at most
// kMannWhitneyExactMaxN values and there are no ties; otherwise it is the normal
// approximation with tie and continuity correction. Both match scipy.stats.mannwhitneyu
// (method "exact" / "asymptotic") and R's wilcox.test. Symmetric: swapping a and b gives
// the same p-value and u' = n_a * n_b - u. An empty sample, or all values equal, gives
// p = 1 (no evidence of a difference); u is 0 when either sample is empty.
MannWhitneyResult mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b);

inline constexpr std::size_t kMannWhitneyExactMaxN = 50;

// Hodges-Lehmann estimate of the shift (treatment - base): the median of all pairwise
// differences, with the distribution-free (Moses) confidence interval at `confidence`:
// the sorted differences D(k) and D(m*n+1-k), k from the lower-tail critical value of
// the Mann-Whitney U distribution (exact, or normal with tie and continuity correction,
// under the same rule as mann_whitney_u()), as R's wilcox.test(conf.int = TRUE) does in
// the exact case. When the confidence cannot be reached (e.g. 3 vs 3 at 95%) the bounds
// are the smallest and largest difference; hodges_lehmann_achieved_confidence() says what
// they give. One sample on each side gives NaN bounds. n is base plus treatment size.
Interval hodges_lehmann_shift(const std::vector<double>& base, const std::vector<double>& treatment,
                              double confidence = 0.95);

// The coverage of the interval hodges_lehmann_shift() returns for samples of these sizes
// without ties: the requested confidence or more once the samples are large enough, less
// below that, 0 when either size is 0 or both are 1. Exact up to kMannWhitneyExactMaxN a
// side; above, the normal approximation's own figure (close to `confidence`). With ties
// the interval rests on the normal approximation, which aims at `confidence` itself.
double hodges_lehmann_achieved_confidence(std::size_t n_base, std::size_t n_treatment,
                                          double confidence = 0.95);

// Holm-Bonferroni step-down adjusted p-values, same order as the input, each in [0, 1]:
// sorted ascending, the i-th smallest (from 0) becomes max over j <= i of
// min(1, (m - j) * p(j)), so the adjusted values keep the order of the raw ones. A result
// is significant at family-wise level alpha when its adjusted p-value is below alpha. NaN
// inputs are taken as 1 (no evidence) and still count in m.
std::vector<double> holm_adjust(const std::vector<double>& p_values);

struct Change {
  double delta_pct = 0;    // HL shift / |median(base)| * 100
  double ci_low_pct = 0;   // CI of the shift, relative to |median(base)|, in %
  double ci_high_pct = 0;
  double p_value = 1;      // Mann-Whitney, unadjusted
  std::size_t n_base = 0;
  std::size_t n_treatment = 0;
};
// The relative change of treatment against base: the Hodges-Lehmann shift and its
// interval divided by |median(base)|, so a positive delta means the treatment is larger
// whatever the sign of the base. Small-sample behaviour is that of hodges_lehmann_shift()
// (NaN bounds or min/max of the differences). A median(base) of 0 gives NaN percentages.
// Significance is decided by the caller after holm_adjust() across all its comparisons.
Change relative_change(const std::vector<double>& base, const std::vector<double>& treatment,
                       double confidence = 0.95);

}  // namespace tracebench::stats
