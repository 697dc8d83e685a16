#include "units/number_text.h"

#include <fmt/core.h>

#include <cmath>

namespace tracebench::units {

std::string three_digits(double v) {
  if (!std::isfinite(v)) return "-";
  std::string s = fmt::format("{:.3g}", v);
  // %g switches to exponent notation from 1000 up ("1.02e+03"); whole units read better.
  if (s.find('e') != std::string::npos) s = fmt::format("{:.0f}", v);
  return s;
}

std::string count_rate_text(double per_s) {
  if (!std::isfinite(per_s)) return "-";
  const double a = std::fabs(per_s);
  if (a < 999.5) return fmt::format("{:.0f}", per_s);
  if (a < 999'500) return three_digits(per_s / 1e3) + "k";
  if (a < 999'500'000) return three_digits(per_s / 1e6) + "M";
  return three_digits(per_s / 1e9) + "G";
}

std::string rps_text(double rps) {
  if (!std::isfinite(rps)) return "-";
  return fmt::format("{:.0f} req/s", rps);
}

std::string cpu_us_text(double us) {
  if (!std::isfinite(us)) return "-";
  return fmt::format("{:.1f} µs", us);
}

std::string percent_text(double pct) {
  if (!std::isfinite(pct)) return "-";
  return fmt::format("{:+.1f}%", pct);
}

std::string share_text(double fraction) {
  if (!std::isfinite(fraction)) return "-";
  return fmt::format("{:.0f}%", fraction * 100);
}

std::string p_value_text(double p) {
  if (!std::isfinite(p)) return "-";
  if (p < 0.001) return "<0.001";
  return fmt::format("{:.3f}", p);
}

}  // namespace tracebench::units
