#pragma once
// Plain numbers, counts, rates and percentages as text. Pure, thread-safe. Every function
// that takes a double prints a non-finite value as "-".

#include <optional>
#include <string>

namespace tracebench::units {

// At most three significant digits, never in exponent notation, no trailing ".0":
// 24, 1.25, 12.5, 0.725, 1234 (integers of four or more digits keep them all).
std::string three_digits(double v);

std::string count_rate_text(double per_s);  // 276k, 3.93M, 812
std::string rps_text(double rps);           // 3931 req/s
std::string cpu_us_text(double us);         // 127.5 µs
std::string percent_text(double pct);       // a change: +15.8%, -0.4%
std::string share_text(double fraction);    // a part of a whole: 0.904 -> 90%
std::string p_value_text(double p);         // 0.818, 0.003, <0.001

// The value, or "-" when absent.
template <typename F>
std::string or_dash(const std::optional<double>& v, F format) {
  return v ? format(*v) : std::string("-");
}

}  // namespace tracebench::units
