#include "stats/paired.h"
#include "stats/rank_constants.h"

#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

namespace tracebench::stats {
namespace {

std::vector<double> usable(const std::vector<double>& d) {
  std::vector<double> out;
  out.reserve(d.size());
  for (double x : d)
    if (std::isfinite(x) && x != 0) out.push_back(x);
  return out;
}

// P(V = v), v in [0, n(n+1)/2], for n untied values: rank i joins the positive set with
// probability 1/2, so pmf_i(v) = (pmf_{i-1}(v) + pmf_{i-1}(v - i)) / 2. Probabilities, not
// counts: 2^n overflows nothing and the tails keep their relative precision.
std::vector<double> signed_rank_pmf(std::size_t n) {
  const std::size_t m = n * (n + 1) / 2;
  std::vector<double> pmf(m + 1, 0.0);
  pmf[0] = 1.0;
  std::size_t top = 0;
  for (std::size_t i = 1; i <= n; ++i) {
    top += i;
    for (std::size_t v = top; v >= i; --v) pmf[v] = (pmf[v] + pmf[v - i]) / 2;
    for (std::size_t v = std::min(i, top + 1); v-- > 0;) pmf[v] /= 2;
  }
  return pmf;
}

// Average ranks of |d| (1-based) and the tie groups' sizes.
struct Ranks {
  std::vector<double> rank;
  std::vector<std::size_t> ties;  // sizes of groups of equal |d| with more than one member
};
Ranks abs_ranks(const std::vector<double>& d) {
  const std::size_t n = d.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return std::abs(d[a]) < std::abs(d[b]); });
  Ranks r;
  r.rank.assign(n, 0);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && std::abs(d[order[j]]) == std::abs(d[order[i]])) ++j;
    const double avg = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (std::size_t k = i; k < j; ++k) r.rank[order[k]] = avg;
    if (j - i > 1) r.ties.push_back(j - i);
    i = j;
  }
  return r;
}

double tie_corrected_sigma(std::size_t n, const std::vector<std::size_t>& ties) {
  const double nd = static_cast<double>(n);
  double var = nd * (nd + 1) * (2 * nd + 1) / 24;
  for (std::size_t t : ties) {
    const double td = static_cast<double>(t);
    var -= (td * td * td - td) / 48;
  }
  return std::sqrt(std::max(var, 0.0));
}

// The 1-based rank k of the interval's lower end among the sorted Walsh averages.
std::size_t exact_lower_rank(std::size_t n, double confidence) {
  const auto pmf = signed_rank_pmf(n);
  const double tail = two_sided_tail(confidence);
  // qsignrank(alpha/2): the smallest q with P(V <= q) >= alpha/2; at least 1.
  double cdf = 0;
  std::size_t q = 0;
  for (; q < pmf.size(); ++q) {
    cdf += pmf[q];
    if (cdf >= tail) break;
  }
  return std::max<std::size_t>(q, 1);
}

std::size_t normal_lower_rank(std::size_t n, const std::vector<std::size_t>& ties, double confidence) {
  const double z = boost::math::quantile(boost::math::normal_distribution<double>(), 1 - (1 - confidence) / 2);
  const double mean = static_cast<double>(n) * static_cast<double>(n + 1) / 4;
  const double k = std::floor(mean + 0.5 - z * tie_corrected_sigma(n, ties));
  return k < 1 ? 1 : static_cast<std::size_t>(k);
}

// The 1-based rank k of the interval's lower end among the m sorted Walsh averages of d:
// exact without ties up to kSignedRankExactMaxN values, else the normal approximation.
std::size_t walsh_lower_rank(const std::vector<double>& d, double confidence) {
  const Ranks ranks = abs_ranks(d);
  const std::size_t m = d.size() * (d.size() + 1) / 2;
  const std::size_t k = d.size() <= kSignedRankExactMaxN && ranks.ties.empty()
                            ? exact_lower_rank(d.size(), confidence)
                            : normal_lower_rank(d.size(), ranks.ties, confidence);
  return std::min(k, (m + 1) / 2);
}

}  // namespace

double signed_rank_cdf(std::size_t n, double v) {
  if (v < 0) return 0;
  const auto pmf = signed_rank_pmf(n);
  const auto top = std::min(static_cast<std::size_t>(std::floor(v)), pmf.size() - 1);
  double s = 0;
  for (std::size_t i = 0; i <= top; ++i) s += pmf[i];
  return std::min(s, 1.0);
}

double min_signed_rank_p(std::size_t n) { return std::min(1.0, 2.0 * std::pow(0.5, static_cast<double>(n))); }

SignedRankResult signed_rank_test(const std::vector<double>& d_in) {
  const std::vector<double> d = usable(d_in);
  SignedRankResult r;
  r.n = d.size();
  if (r.n == 0) return r;
  const Ranks ranks = abs_ranks(d);
  for (std::size_t i = 0; i < d.size(); ++i)
    if (d[i] > 0) r.v += ranks.rank[i];
  const double nd = static_cast<double>(r.n);
  const double mean = nd * (nd + 1) / 4;
  if (r.n <= kSignedRankExactMaxN && ranks.ties.empty()) {
    r.exact = true;
    // R's rule: the tail on the side the statistic lies.
    const double one_tail = r.v > mean ? 1 - signed_rank_cdf(r.n, r.v - 1) : signed_rank_cdf(r.n, r.v);
    r.p_value = std::min(1.0, 2 * one_tail);
    return r;
  }
  const double sigma = tie_corrected_sigma(r.n, ranks.ties);
  if (sigma == 0) return r;
  double z = r.v - mean;
  z = (z - (z > 0 ? 0.5 : z < 0 ? -0.5 : 0.0)) / sigma;
  const boost::math::normal_distribution<double> normal;
  r.p_value = std::min(1.0, 2 * std::min(boost::math::cdf(normal, z), boost::math::cdf(boost::math::complement(normal, z))));
  return r;
}

double signed_rank_achieved_confidence(std::size_t n, double confidence) {
  if (n <= 1 || !(confidence > 0 && confidence < 1)) return 0;
  if (n > kSignedRankExactMaxN) return confidence;
  const std::size_t k = exact_lower_rank(n, confidence);
  return 1 - 2 * signed_rank_cdf(n, static_cast<double>(k) - 1);
}

Interval walsh_median_ci(std::vector<double> d_in, double confidence) {
  const std::vector<double> d = usable(d_in);
  Interval out;
  out.n = d.size();
  if (d.empty()) return {kNaN, kNaN, kNaN, 0};
  std::vector<double> walsh;
  walsh.reserve(d.size() * (d.size() + 1) / 2);
  for (std::size_t i = 0; i < d.size(); ++i)
    for (std::size_t j = i; j < d.size(); ++j) walsh.push_back((d[i] + d[j]) / 2);
  std::sort(walsh.begin(), walsh.end());
  const std::size_t m = walsh.size();
  out.estimate = m % 2 ? walsh[m / 2] : (walsh[m / 2 - 1] + walsh[m / 2]) / 2;
  if (d.size() < 2 || !(confidence > 0 && confidence < 1)) {
    out.low = out.high = kNaN;
    return out;
  }
  const std::size_t k = walsh_lower_rank(d, confidence);
  out.low = walsh[k - 1];
  out.high = walsh[m - k];
  return out;
}

namespace {

// The sign of value i in pattern j: bits of SplitMix64 (Steele, Lea and Flood 2014), a fixed
// sequence, so a result reads the same wherever and whenever it is recomputed.
bool pattern_sign_negative(int pattern, std::size_t i) {
  std::uint64_t z = (static_cast<std::uint64_t>(pattern) << 32) + i + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return (z & 1) != 0;
}

}  // namespace

double sign_blind_half_width_pct(const std::vector<double>& d_in, double confidence) {
  const std::vector<double> d = usable(d_in);
  if (d.size() < 2 || !(confidence > 0 && confidence < 1)) return kNaN;
  // The interval's ranks depend on the ties among |d| only, the same for every pattern.
  const std::size_t m = d.size() * (d.size() + 1) / 2;
  const std::size_t k = walsh_lower_rank(d, confidence);
  std::vector<double> signed_d(d.size()), walsh(m);
  std::array<double, kSignBlindPatterns> widths{};
  for (int j = 0; j < kSignBlindPatterns; ++j) {
    for (std::size_t i = 0; i < d.size(); ++i)
      signed_d[i] = pattern_sign_negative(j, i) ? -std::abs(d[i]) : std::abs(d[i]);
    std::size_t w = 0;
    for (std::size_t i = 0; i < d.size(); ++i)
      for (std::size_t l = i; l < d.size(); ++l) walsh[w++] = (signed_d[i] + signed_d[l]) / 2;
    std::nth_element(walsh.begin(), walsh.begin() + static_cast<std::ptrdiff_t>(k - 1), walsh.end());
    const double low = walsh[k - 1];
    std::nth_element(walsh.begin(), walsh.begin() + static_cast<std::ptrdiff_t>(m - k), walsh.end());
    const double high = walsh[m - k];
    widths[static_cast<std::size_t>(j)] = (std::expm1(high) - std::expm1(low)) / 2 * 100;
  }
  std::nth_element(widths.begin(), widths.begin() + kSignBlindPatterns / 2, widths.end());
  return widths[kSignBlindPatterns / 2];
}

namespace {

bool usable_value(double v) { return std::isfinite(v) && v > 0; }

// The change from the log ratios of the pairs: estimate, two-sided interval, one-sided
// bounds, p-value.
PairedChange change_of_log_ratios(const std::vector<double>& log_ratio, double confidence) {
  const auto pct = [](double x) { return std::isfinite(x) ? std::expm1(x) * 100 : kNaN; };
  PairedChange c;
  const Interval two_sided = walsh_median_ci(log_ratio, confidence);
  // A one-sided bound at confidence c is the end of the two-sided interval at 2c - 1.
  const Interval one_sided = walsh_median_ci(log_ratio, 2 * confidence - 1);
  c.n_pairs = two_sided.n;
  c.delta_pct = pct(two_sided.estimate);
  c.ci_low_pct = pct(two_sided.low);
  c.ci_high_pct = pct(two_sided.high);
  c.bound_low_pct = pct(one_sided.low);
  c.bound_high_pct = pct(one_sided.high);
  c.p_value = signed_rank_test(log_ratio).p_value;
  c.ci_coverage = signed_rank_achieved_confidence(c.n_pairs, confidence);
  c.sign_blind_half_width_pct = sign_blind_half_width_pct(log_ratio, confidence);
  return c;
}

}  // namespace

PairedChange paired_relative_change(const std::vector<double>& base, const std::vector<double>& treatment,
                                    double confidence) {
  std::vector<double> log_ratio;
  for (std::size_t i = 0; i < std::min(base.size(), treatment.size()); ++i) {
    const double b = base[i], t = treatment[i];
    if (usable_value(b) && usable_value(t)) log_ratio.push_back(std::log(t / b));
  }
  return change_of_log_ratios(log_ratio, confidence);
}

namespace {

// Each pair's slope comes from the others, and a line through two points is their noise alone.
constexpr std::size_t kMinPairsToAdjust = 4;

// Least squares of d on x with an intercept, over every pair but `skip` (none when skip >= n):
// the slope only. 0 when x does not vary over those pairs.
double slope_with_intercept(const std::vector<double>& d, const std::vector<double>& x, std::size_t skip) {
  double n = 0, sd = 0, sx = 0;
  for (std::size_t i = 0; i < d.size(); ++i)
    if (i != skip) n += 1, sd += d[i], sx += x[i];
  if (n < 2) return 0;
  const double md = sd / n, mx = sx / n;
  double dx = 0, xx = 0;
  for (std::size_t i = 0; i < d.size(); ++i)
    if (i != skip) dx += (d[i] - md) * (x[i] - mx), xx += (x[i] - mx) * (x[i] - mx);
  return xx > 0 ? dx / xx : 0;
}

}  // namespace

AdjustedChange paired_relative_change_adjusted(const std::vector<double>& base, const std::vector<double>& treatment,
                                               const std::vector<double>& base_reference,
                                               const std::vector<double>& treatment_reference, double confidence) {
  std::vector<double> d, x;
  const std::size_t n = std::min({base.size(), treatment.size(), base_reference.size(), treatment_reference.size()});
  for (std::size_t i = 0; i < n; ++i) {
    if (!usable_value(base[i]) || !usable_value(treatment[i]) || !usable_value(base_reference[i]) ||
        !usable_value(treatment_reference[i]))
      continue;
    d.push_back(std::log(treatment[i] / base[i]));
    x.push_back(std::log(treatment_reference[i] / base_reference[i]));
  }
  AdjustedChange out;
  // When every pair ties (throughput at a fixed rate the target kept up with) the slope is 0
  // and nothing is left to compare: no adjustment to speak of.
  const bool adjust = d.size() >= kMinPairsToAdjust && std::any_of(d.begin(), d.end(), [](double v) { return v != 0; });
  out.applied = adjust;
  if (adjust) out.slope = slope_with_intercept(d, x, d.size());
  // Each pair's residual with the slope of the other pairs: its own noise then does not pull
  // the slope towards itself, which would shrink the residuals and make the test too eager
  // with few pairs.
  std::vector<double> residual(d.size());
  for (std::size_t i = 0; i < d.size(); ++i)
    residual[i] = d[i] - (adjust ? slope_with_intercept(d, x, i) : 0) * x[i];
  out.change = change_of_log_ratios(residual, confidence);
  return out;
}

}  // namespace tracebench::stats
