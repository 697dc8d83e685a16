#pragma once
// How the reports write quantities: three significant digits and a unit, the same in every
// format. Non-finite values read "-".

#include <optional>
#include <string>

namespace tracebench::reports {

std::string duration_ns_text(double ns);         // 412 ns, 678 µs, 16.6 ms, 1.20 s
std::string seconds_text(double s);              // 0.725 s, 4 s, 12.5 s
std::string binary_bytes_text(double bytes);     // 912 B, 1.51 MiB, 8 MiB
std::string decimal_bytes_text(double bytes);    // 10 MB, 48.9 MB (file budgets are decimal)
std::string bytes_rate_text(double bytes_per_s); // 1.50 MiB/s
std::string count_rate_text(double per_s);       // 276k, 3.93M, 812
std::string rps_text(double rps);                // 3931 req/s
std::string cpu_us_text(double us);              // 127.5 µs
std::string percent_text(double pct);            // +15.8%, -0.4%
std::string p_value_text(double p);              // 0.818, 0.003, <0.001
std::string share_text(double fraction);         // 0.91 -> 91%

// The value, or "-" when absent.
template <typename F>
std::string or_dash(const std::optional<double>& v, F format) {
  return v ? format(*v) : std::string("-");
}

}  // namespace tracebench::reports
