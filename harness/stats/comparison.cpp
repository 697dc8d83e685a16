#include "stats/comparison.h"
#include "stats/rank_constants.h"

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace tracebench::stats {
namespace {

bool valid_confidence(double confidence) { return confidence > 0 && confidence < 1; }

std::vector<double> without_nan(const std::vector<double>& v) {
  std::vector<double> out;
  out.reserve(v.size());
  std::copy_if(v.begin(), v.end(), std::back_inserter(out), [](double x) { return !std::isnan(x); });
  return out;
}

// Median of an already sorted, non-empty vector.
double sorted_median(const std::vector<double>& sorted) {
  const std::size_t n = sorted.size();
  if (n % 2 == 1) return sorted[n / 2];
  return (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

// The rank j (1-based) of the lower bound of the order-statistic interval for the median
// of n samples: the largest j with 2 * P(B <= j-1) <= 1 - confidence, B ~ Bin(n, 1/2),
// or 1 when even the min-max interval falls short. n >= 1.
std::size_t median_lower_rank(std::size_t n, double confidence) {
  const boost::math::binomial_distribution<double> b(static_cast<double>(n), 0.5);
  const double tail = two_sided_tail(confidence);
  std::size_t j = 1;
  // Raising j by one is allowed while P(B <= j) still fits in the tail. j <= n/2 keeps
  // the interval non-empty; the tail condition (tail < 1/2) implies it anyway.
  while (j < n / 2 + 1 && boost::math::cdf(b, static_cast<double>(j)) <= tail) ++j;
  return j;
}

double median_coverage(std::size_t n, std::size_t j) {
  const boost::math::binomial_distribution<double> b(static_cast<double>(n), 0.5);
  return 1 - 2 * boost::math::cdf(b, static_cast<double>(j - 1));
}

// P(U = u) for u in [0, u_max] under the null hypothesis, U the number of pairs (x, y)
// with x > y for samples of m and n continuous values. The recurrence conditions on where
// the largest of the m+n values comes from: from x with probability m/(m+n), adding n
// pairs; from y otherwise, adding none. Working in probabilities keeps every term a sum of
// positives (no overflow of C(100, 50), no cancellation in the tails that p-values read).
// Rows are rolled over m, so memory is O(n * u_max) and time O(m * n * u_max).
std::vector<double> u_null_pmf(std::size_t m, std::size_t n, std::size_t u_max) {
  const std::size_t width = u_max + 1;
  // prev[j * width + u] = P(U = u) for (i-1, j); cur the same for (i, j).
  std::vector<double> prev((n + 1) * width, 0.0);
  std::vector<double> cur((n + 1) * width, 0.0);
  for (std::size_t j = 0; j <= n; ++j) prev[j * width] = 1.0;  // i = 0: U is 0
  for (std::size_t i = 1; i <= m; ++i) {
    std::fill(cur.begin(), cur.end(), 0.0);
    cur[0] = 1.0;  // j = 0: U is 0
    for (std::size_t j = 1; j <= n; ++j) {
      const double from_x = static_cast<double>(i) / static_cast<double>(i + j);
      const double from_y = 1.0 - from_x;
      double* out = &cur[j * width];
      const double* px = &prev[j * width];
      const double* py = &cur[(j - 1) * width];
      for (std::size_t u = 0; u < width; ++u) {
        double p = from_y * py[u];
        if (u >= j) p += from_x * px[u - j];
        out[u] = p;
      }
    }
    std::swap(prev, cur);
  }
  return std::vector<double>(prev.begin() + static_cast<std::ptrdiff_t>(n * width), prev.end());
}

// Ranks and ties of the pooled samples, what both the test and the interval need.
struct RankSummary {
  double u_a = 0;         // U of sample a from its midrank sum
  double tie_term = 0;    // sum over tie groups of t^3 - t
  bool has_ties = false;
};

RankSummary rank_summary(const std::vector<double>& a, const std::vector<double>& b) {
  struct Tagged {
    double value;
    bool from_a;
  };
  std::vector<Tagged> pooled;
  pooled.reserve(a.size() + b.size());
  for (double x : a) pooled.push_back({x, true});
  for (double y : b) pooled.push_back({y, false});
  std::sort(pooled.begin(), pooled.end(),
            [](const Tagged& l, const Tagged& r) { return l.value < r.value; });

  RankSummary s;
  double rank_sum_a = 0;
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t k = i;
    while (k < pooled.size() && pooled[k].value == pooled[i].value) ++k;
    const double t = static_cast<double>(k - i);
    const double midrank = static_cast<double>(i + 1 + k) / 2;  // mean of ranks i+1 .. k
    for (std::size_t q = i; q < k; ++q)
      if (pooled[q].from_a) rank_sum_a += midrank;
    if (k - i > 1) {
      s.has_ties = true;
      s.tie_term += t * t * t - t;
    }
    i = k;
  }
  const auto na = static_cast<double>(a.size());
  s.u_a = rank_sum_a - na * (na + 1) / 2;
  return s;
}

bool use_exact(std::size_t m, std::size_t n, bool has_ties) {
  return !has_ties && m <= kMannWhitneyExactMaxN && n <= kMannWhitneyExactMaxN;
}

// Standard deviation of U under the null, with the tie correction.
double u_sigma(std::size_t m, std::size_t n, double tie_term) {
  const auto dm = static_cast<double>(m);
  const auto dn = static_cast<double>(n);
  const double total = dm + dn;
  const double var = dm * dn / 12 * ((total + 1) - tie_term / (total * (total - 1)));
  return var > 0 ? std::sqrt(var) : 0.0;
}

// The rank k (1-based) of the lower Moses bound among the m*n sorted differences, and
// the coverage it achieves. Exact: the largest k with P(U <= k-1) <= alpha/2, or 1 when
// even the min-max interval falls short. Normal: the same condition with
// P(U <= c) ~ Phi((c + 0.5 - mn/2) / sigma) (continuity correction).
struct MosesRank {
  std::size_t k = 1;
  double coverage = 0;
};

MosesRank moses_rank(std::size_t m, std::size_t n, bool exact, double tie_term, double confidence) {
  const std::size_t mn = m * n;
  const double tail = (1 - confidence) / 2;
  MosesRank r;
  if (exact) {
    const std::vector<double> pmf = u_null_pmf(m, n, mn / 2);
    // fits = how many u (0, 1, ...) have P(U <= u) <= alpha/2; the largest such u is
    // k - 1, so k = fits. With fits == 0 no interval reaches the confidence: k = 1.
    double cdf = 0;
    std::size_t fits = 0;
    for (; fits < pmf.size(); ++fits) {
      if (cdf + pmf[fits] > tail * (1 + kTailFuzz)) break;
      cdf += pmf[fits];
    }
    r.k = std::max<std::size_t>(fits, 1);
    double below = 0;
    for (std::size_t u = 0; u < r.k; ++u) below += pmf[u];  // P(U <= k-1)
    r.coverage = 1 - 2 * below;
    return r;
  }
  const double sigma = u_sigma(m, n, tie_term);
  const double half = static_cast<double>(mn) / 2;
  const double z = boost::math::quantile(boost::math::normal_distribution<double>(), 1 - tail);
  const double c = std::floor(half - 0.5 - z * sigma);
  r.k = c >= 1 ? static_cast<std::size_t>(c) + 1 : 1;
  r.k = std::min(r.k, (mn + 1) / 2);
  const double km1 = static_cast<double>(r.k - 1);
  r.coverage = sigma > 0 ? 1 - std::erfc(-(km1 + 0.5 - half) / sigma / std::sqrt(2.0)) : 0.0;
  return r;
}

}  // namespace

Interval median_ci(std::vector<double> samples, double confidence) {
  samples.erase(std::remove_if(samples.begin(), samples.end(), [](double x) { return std::isnan(x); }),
                samples.end());
  Interval r;
  r.n = samples.size();
  if (samples.empty()) {
    r.estimate = r.low = r.high = kNaN;
    return r;
  }
  std::sort(samples.begin(), samples.end());
  r.estimate = sorted_median(samples);
  if (samples.size() < 2 || !valid_confidence(confidence)) {
    r.low = r.high = kNaN;
    return r;
  }
  const std::size_t j = median_lower_rank(samples.size(), confidence);
  r.low = samples[j - 1];
  r.high = samples[samples.size() - j];
  return r;
}

double median_ci_achieved_confidence(std::size_t n, double confidence) {
  if (n < 2 || !valid_confidence(confidence)) return 0;
  return median_coverage(n, median_lower_rank(n, confidence));
}

std::size_t median_ci_min_samples(double confidence) {
  if (!valid_confidence(confidence)) return 0;
  // The min-max interval covers with 1 - 2^(1-n); the first n where that reaches it.
  std::size_t n = 2;
  while (1 - std::ldexp(1.0, 1 - static_cast<int>(n)) < confidence * (1 - kTailFuzz)) ++n;
  return n;
}

MannWhitneyResult mann_whitney_u(const std::vector<double>& a_in, const std::vector<double>& b_in) {
  const std::vector<double> a = without_nan(a_in);
  const std::vector<double> b = without_nan(b_in);
  MannWhitneyResult r;
  if (a.empty() || b.empty()) return r;

  const RankSummary s = rank_summary(a, b);
  r.u = s.u_a;
  const std::size_t m = a.size();
  const std::size_t n = b.size();
  const double half = static_cast<double>(m * n) / 2;

  if (use_exact(m, n, s.has_ties)) {
    // Without ties U is an integer; the two tails are mirror images, so the two-sided
    // p-value is twice the lower tail at the smaller of U and mn - U.
    const auto u_low = static_cast<std::size_t>(std::min(s.u_a, static_cast<double>(m * n) - s.u_a));
    const std::vector<double> pmf = u_null_pmf(m, n, u_low);
    const double lower = std::accumulate(pmf.begin(), pmf.end(), 0.0);
    r.p_value = std::min(1.0, 2 * lower);
    return r;
  }
  const double sigma = u_sigma(m, n, s.tie_term);
  if (sigma == 0) return r;  // every value equal: nothing to rank
  const double z = std::max(0.0, std::abs(s.u_a - half) - 0.5) / sigma;
  r.p_value = std::min(1.0, std::erfc(z / std::sqrt(2.0)));
  return r;
}

Interval hodges_lehmann_shift(const std::vector<double>& base_in, const std::vector<double>& treatment_in,
                              double confidence) {
  const std::vector<double> base = without_nan(base_in);
  const std::vector<double> treatment = without_nan(treatment_in);
  Interval r;
  r.n = base.size() + treatment.size();
  if (base.empty() || treatment.empty()) {
    r.estimate = r.low = r.high = kNaN;
    return r;
  }
  std::vector<double> diffs;
  diffs.reserve(base.size() * treatment.size());
  for (double t : treatment)
    for (double b : base) diffs.push_back(t - b);
  std::sort(diffs.begin(), diffs.end());
  r.estimate = sorted_median(diffs);
  if (diffs.size() < 2 || !valid_confidence(confidence)) {
    r.low = r.high = kNaN;
    return r;
  }
  const RankSummary s = rank_summary(base, treatment);
  const MosesRank k = moses_rank(base.size(), treatment.size(),
                                 use_exact(base.size(), treatment.size(), s.has_ties), s.tie_term,
                                 confidence);
  r.low = diffs[k.k - 1];
  r.high = diffs[diffs.size() - k.k];
  return r;
}

double hodges_lehmann_achieved_confidence(std::size_t n_base, std::size_t n_treatment, double confidence) {
  if (n_base == 0 || n_treatment == 0 || n_base * n_treatment < 2 || !valid_confidence(confidence)) return 0;
  return moses_rank(n_base, n_treatment, use_exact(n_base, n_treatment, false), 0, confidence).coverage;
}

std::vector<double> holm_adjust(const std::vector<double>& p_values) {
  const std::size_t m = p_values.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  auto p_at = [&](std::size_t i) {
    const double p = p_values[i];
    return std::isnan(p) ? 1.0 : std::clamp(p, 0.0, 1.0);
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t l, std::size_t r) { return p_at(l) < p_at(r); });
  std::vector<double> adjusted(m);
  double running_max = 0;
  for (std::size_t rank = 0; rank < m; ++rank) {
    const double scaled = std::min(1.0, static_cast<double>(m - rank) * p_at(order[rank]));
    running_max = std::max(running_max, scaled);
    adjusted[order[rank]] = running_max;
  }
  return adjusted;
}

Change relative_change(const std::vector<double>& base, const std::vector<double>& treatment,
                       double confidence) {
  const std::vector<double> b = without_nan(base);
  const std::vector<double> t = without_nan(treatment);
  Change c;
  c.n_base = b.size();
  c.n_treatment = t.size();
  c.p_value = mann_whitney_u(b, t).p_value;
  const Interval shift = hodges_lehmann_shift(b, t, confidence);
  const double median_base = b.empty() ? kNaN : median_ci(b, confidence).estimate;
  // Dividing by |median| keeps low <= high and a positive delta meaning "treatment larger".
  const double scale = (std::isnan(median_base) || median_base == 0) ? kNaN : 100 / std::abs(median_base);
  c.delta_pct = shift.estimate * scale;
  c.ci_low_pct = shift.low * scale;
  c.ci_high_pct = shift.high * scale;
  return c;
}

}  // namespace tracebench::stats
