#pragma once
// A/B statistics over per-round summaries, as benchstat does them and more: medians with
// distribution-free confidence intervals, the Mann-Whitney U test, a Hodges-Lehmann
// confidence interval on the change itself, and Holm's correction across comparisons.
//
// The unit of analysis is one round's summary (e.g. one round's throughput), never pooled
// requests. All functions are pure and thread-safe. Inputs with fewer samples than a
// method needs give NaN bounds rather than an exception; NaN never appears in estimates of
// non-empty inputs.

#include <cstddef>
#include <vector>

namespace tracebench::stats {

struct Interval {
  double estimate = 0;  // the point estimate
  double low = 0;       // lower bound of the confidence interval (NaN when n is too small)
  double high = 0;      // upper bound
  std::size_t n = 0;    // samples it rests on
};

// The sample median with a distribution-free confidence interval from order statistics
// (binomial), at the given confidence (e.g. 0.95). With n < 6 at 95% the bounds are the
// min and max and `achieved_confidence` below says what they really give.
Interval median_ci(std::vector<double> samples, double confidence = 0.95);

struct MannWhitneyResult {
  double u = 0;        // U statistic of sample a
  double p_value = 1;  // two-sided; exact for small samples without ties, else normal
                       // approximation with tie and continuity correction
};
MannWhitneyResult mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b);

// Hodges-Lehmann estimate of the shift (treatment - base): the median of all pairwise
// differences, with the distribution-free (Moses) confidence interval at `confidence`.
Interval hodges_lehmann_shift(const std::vector<double>& base, const std::vector<double>& treatment,
                              double confidence = 0.95);

// Holm-Bonferroni step-down adjusted p-values, same order as the input, each in [0, 1].
std::vector<double> holm_adjust(const std::vector<double>& p_values);

struct Change {
  double delta_pct = 0;    // HL shift / median(base) * 100
  double ci_low_pct = 0;   // CI of the shift, relative to median(base), in %
  double ci_high_pct = 0;
  double p_value = 1;      // Mann-Whitney, unadjusted
  std::size_t n_base = 0;
  std::size_t n_treatment = 0;
};
// The relative change of treatment against base. significance is decided by the caller
// after holm_adjust() across all its comparisons.
Change relative_change(const std::vector<double>& base, const std::vector<double>& treatment,
                       double confidence = 0.95);

}  // namespace tracebench::stats
