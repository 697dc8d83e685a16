#pragma once
// What the terminal renderers (recommendations_text, sweep_text) share: the short metric
// names and the counts as they print them. Pure.

#include <fmt/core.h>

#include <cmath>
#include <optional>
#include <string>

namespace tracebench::reports::terminal {

// "throughput", "cpu/req", "p50", "p99", "p99.9"; another metric as named.
inline std::string metric_label(const std::string& metric) {
  if (metric == "throughput_rps") return "throughput";
  if (metric == "target_cpu_us_per_request") return "cpu/req";
  if (metric == "latency_p50_ns") return "p50";
  if (metric == "latency_p99_ns") return "p99";
  if (metric == "latency_p999_ns") return "p99.9";
  return metric;
}

// A count (rounds, attempts, generations, levels): 0 when absent, a fraction cut toward
// zero, as these lines have always printed a count read into an int.
inline std::string count_text(const std::optional<double>& n) {
  const double v = n.value_or(0);
  if (std::fabs(v) < 2147483648.0) return fmt::format("{}", static_cast<int>(v));
  return fmt::format("{:.0f}", std::trunc(v));  // beyond an int: no undefined cast
}

}  // namespace tracebench::reports::terminal
