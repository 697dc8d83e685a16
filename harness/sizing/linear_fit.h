#pragma once
// Ordinary least squares of y on x (y = intercept + slope·x), for the capacity model of a
// sweep: trace bytes/sec against load (the intercept is the rate at zero load, the idle
// rate; the slope is bytes per request) and overhead against load. Pure, thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tracebench::sizing {

struct LinearFit {
  std::size_t n = 0;
  double intercept = 0;
  double slope = 0;
  double r2 = 0;             // 1 - SSres/SStot; 1 when n == 2 (an exact line says nothing)
  double x_min = 0, x_max = 0, x_mean = 0;
  double sxx = 0;            // Σ(x - x̄)²
  // With n >= 3: residual standard error s = sqrt(SSres / (n - 2)) and the standard
  // errors of the coefficients; nullopt with n == 2.
  std::optional<double> residual_se, slope_se, intercept_se;
};

// Needs at least 2 points with distinct x; otherwise nullopt and *why says which
// ("needs at least 2 levels, have 1", "every level ran at the same load (x = 1000)").
// NaN points are an error of the caller (assert).
std::optional<LinearFit> fit_line(const std::vector<double>& x, const std::vector<double>& y, std::string* why);

struct Prediction {
  double x = 0;
  double estimate = 0;
  // 95% prediction interval for a new observation at x (Student t, n - 2 degrees of
  // freedom); nullopt with n == 2.
  std::optional<double> low, high;
  bool extrapolated = false;  // x outside [x_min, x_max]
};

Prediction predict(const LinearFit& fit, double x);

nlohmann::json to_json(const LinearFit& fit);
nlohmann::json to_json(const Prediction& p);

}  // namespace tracebench::sizing
