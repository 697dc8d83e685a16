#include "sizing/linear_fit.h"

#include <boost/math/distributions/students_t.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <cassert>
#include <cmath>

#include "result/json_number.h"

namespace tracebench::sizing {

std::optional<LinearFit> fit_line(const std::vector<double>& x, const std::vector<double>& y, std::string* why) {
  assert(x.size() == y.size());
  const std::size_t n = x.size();
  if (n < 2) {
    if (why) *why = fmt::format("needs at least 2 levels, have {}", n);
    return std::nullopt;
  }
  LinearFit f;
  f.n = n;
  double sx = 0, sy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    assert(std::isfinite(x[i]) && std::isfinite(y[i]));
    sx += x[i];
    sy += y[i];
  }
  f.x_mean = sx / static_cast<double>(n);
  const double y_mean = sy / static_cast<double>(n);
  double sxy = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    f.sxx += (x[i] - f.x_mean) * (x[i] - f.x_mean);
    sxy += (x[i] - f.x_mean) * (y[i] - y_mean);
    syy += (y[i] - y_mean) * (y[i] - y_mean);
  }
  f.x_min = *std::min_element(x.begin(), x.end());
  f.x_max = *std::max_element(x.begin(), x.end());
  // Distinct x relative to their scale: a spread under 1e-9 of the mean is one load.
  if (f.sxx <= 1e-18 * std::max(1.0, f.x_mean * f.x_mean) * static_cast<double>(n)) {
    if (why) *why = fmt::format("every level ran at the same load (x = {:.6g})", f.x_mean);
    return std::nullopt;
  }
  f.slope = sxy / f.sxx;
  f.intercept = y_mean - f.slope * f.x_mean;
  double ss_res = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double r = y[i] - (f.intercept + f.slope * x[i]);
    ss_res += r * r;
  }
  f.r2 = syy > 0 ? 1.0 - ss_res / syy : 1.0;
  if (n == 2) f.r2 = 1.0;
  if (n >= 3) {
    const double s = std::sqrt(ss_res / static_cast<double>(n - 2));
    f.residual_se = s;
    f.slope_se = s / std::sqrt(f.sxx);
    f.intercept_se = s * std::sqrt(1.0 / static_cast<double>(n) + f.x_mean * f.x_mean / f.sxx);
  }
  return f;
}

Prediction predict(const LinearFit& f, double x) {
  Prediction p;
  p.x = x;
  p.estimate = f.intercept + f.slope * x;
  // A tolerance of a millionth of the range: the ends themselves are not extrapolation.
  const double tol = 1e-6 * std::max(1.0, f.x_max - f.x_min);
  p.extrapolated = x < f.x_min - tol || x > f.x_max + tol;
  if (f.residual_se) {
    const boost::math::students_t t_dist(static_cast<double>(f.n - 2));
    const double t = boost::math::quantile(boost::math::complement(t_dist, 0.025));
    const double se = *f.residual_se * std::sqrt(1.0 + 1.0 / static_cast<double>(f.n) +
                                                 (x - f.x_mean) * (x - f.x_mean) / f.sxx);
    p.low = p.estimate - t * se;
    p.high = p.estimate + t * se;
  }
  return p;
}

namespace {
}  // namespace

nlohmann::json to_json(const LinearFit& f) {
  return {{"intercept", f.intercept}, {"slope", f.slope},        {"r2", f.r2},
          {"n", f.n},                 {"x_min", f.x_min},        {"x_max", f.x_max},
          {"residual_se", result::number_or_null(f.residual_se)}, {"slope_se", result::number_or_null(f.slope_se)},
          {"intercept_se", result::number_or_null(f.intercept_se)}};
}

nlohmann::json to_json(const Prediction& p) {
  return {{"x", p.x}, {"estimate", p.estimate}, {"pi_low", result::number_or_null(p.low)}, {"pi_high", result::number_or_null(p.high)},
          {"extrapolated", p.extrapolated}};
}

}  // namespace tracebench::sizing
