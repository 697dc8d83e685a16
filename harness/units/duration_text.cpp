#include "units/duration_text.h"

#include <fmt/core.h>

#include <cmath>

#include "units/number_text.h"

namespace tracebench::units {

std::string go_duration_text(std::int64_t ns) {
  if (ns % 1'000'000'000 == 0) return fmt::format("{}s", ns / 1'000'000'000);
  if (ns % 1'000'000 == 0) return fmt::format("{}ms", ns / 1'000'000);
  if (ns % 1'000 == 0) return fmt::format("{}us", ns / 1'000);
  return fmt::format("{}ns", ns);
}

std::string compact_duration_text(std::int64_t ns) {
  if (ns < 0) return "-" + compact_duration_text(-ns);
  const double v = static_cast<double>(ns);
  if (ns < 1'000) return fmt::format("{}ns", ns);
  if (ns < 1'000'000) return three_digits(v / 1e3) + "µs";
  if (ns < 1'000'000'000) return three_digits(v / 1e6) + "ms";
  return three_digits(v / 1e9) + "s";
}

std::string duration_ns_text(double ns) {
  if (!std::isfinite(ns)) return "-";
  const double a = std::fabs(ns);
  if (a < 999.5) return fmt::format("{:.0f} ns", ns);
  if (a < 999'500) return three_digits(ns / 1e3) + " µs";
  if (a < 999'500'000) return three_digits(ns / 1e6) + " ms";
  return three_digits(ns / 1e9) + " s";
}

std::string seconds_text(double s) {
  if (!std::isfinite(s)) return "-";
  if (std::fabs(s) < 1 && s != 0) return three_digits(s * 1e3) + " ms";
  return three_digits(s) + " s";
}

std::string seconds_minutes_text(double s) {
  if (!std::isfinite(s)) return "-";
  if (s < 1.0) return three_digits(s * 1e3) + " ms";
  if (s >= 120.0) return three_digits(s / 60.0) + " min";
  return three_digits(s) + " s";
}

std::string timeout_text(std::int64_t ns) { return three_digits(static_cast<double>(ns) / 1e9) + " s"; }

}  // namespace tracebench::units
