#include "reports/quantities.h"

#include <fmt/core.h>

#include <cmath>

namespace tracebench::reports {
namespace {

// Three significant digits without trailing zeros past the point: 1.51, 16.6, 678, 4.
std::string sig3(double v) {
  const double a = std::fabs(v);
  std::string s;
  if (a >= 100 || a == 0)
    s = fmt::format("{:.0f}", v);
  else if (a >= 10)
    s = fmt::format("{:.1f}", v);
  else
    s = fmt::format("{:.2f}", v);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

std::string scaled(double v, double base, const char* const* units, int count) {
  int i = 0;
  double x = v;
  // Round first so 1023.7 KiB becomes 1 MiB, not "1024 KiB".
  while (i + 1 < count && std::fabs(x) >= base * 0.9995) {
    x /= base;
    ++i;
  }
  return fmt::format("{} {}", sig3(x), units[i]);
}

}  // namespace

std::string duration_ns_text(double ns) {
  if (!std::isfinite(ns)) return "-";
  const double a = std::fabs(ns);
  if (a < 999.5) return fmt::format("{:.0f} ns", ns);
  if (a < 999'500) return sig3(ns / 1e3) + " µs";
  if (a < 999'500'000) return sig3(ns / 1e6) + " ms";
  return sig3(ns / 1e9) + " s";
}

std::string seconds_text(double s) {
  if (!std::isfinite(s)) return "-";
  if (std::fabs(s) < 1 && s != 0) return fmt::format("{} ms", sig3(s * 1e3));
  return sig3(s) + " s";
}

std::string binary_bytes_text(double bytes) {
  if (!std::isfinite(bytes)) return "-";
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  if (std::fabs(bytes) < 1023.5) return fmt::format("{:.0f} B", bytes);
  return scaled(bytes, 1024, kUnits, 5);
}

std::string decimal_bytes_text(double bytes) {
  if (!std::isfinite(bytes)) return "-";
  static const char* const kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  if (std::fabs(bytes) < 999.5) return fmt::format("{:.0f} B", bytes);
  return scaled(bytes, 1000, kUnits, 5);
}

std::string bytes_rate_text(double bytes_per_s) {
  if (!std::isfinite(bytes_per_s)) return "-";
  return binary_bytes_text(bytes_per_s) + "/s";
}

std::string count_rate_text(double per_s) {
  if (!std::isfinite(per_s)) return "-";
  const double a = std::fabs(per_s);
  if (a < 999.5) return fmt::format("{:.0f}", per_s);
  if (a < 999'500) return sig3(per_s / 1e3) + "k";
  if (a < 999'500'000) return sig3(per_s / 1e6) + "M";
  return sig3(per_s / 1e9) + "G";
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

std::string p_value_text(double p) {
  if (!std::isfinite(p)) return "-";
  if (p < 0.001) return "<0.001";
  return fmt::format("{:.3f}", p);
}

std::string share_text(double fraction) {
  if (!std::isfinite(fraction)) return "-";
  return fmt::format("{:.0f}%", fraction * 100);
}

}  // namespace tracebench::reports
