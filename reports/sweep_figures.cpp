#include "reports/sweep_figures.h"

#include <fmt/core.h>

#include <cmath>

#include "reports/json_access.h"
#include "units/duration_text.h"
#include "units/number_text.h"

namespace tracebench::reports::sweep_report {

using nlohmann::json;
using units::cpu_us_text;
using units::duration_ns_text;
using units::percent_text;
using units::rps_text;

const std::vector<MetricInfo>& metrics() {
  static const std::vector<MetricInfo> kMetrics = {
      {"throughput_rps", "throughput", rps_text},
      {"latency_p50_ns", "p50 latency", duration_ns_text},
      {"latency_p99_ns", "p99 latency", duration_ns_text},
      {"latency_p999_ns", "p99.9 latency", duration_ns_text},
      {"target_cpu_us_per_request", "target CPU per request", cpu_us_text},
  };
  return kMetrics;
}

std::string metric_label(const std::string& metric) {
  for (const auto& m : metrics())
    if (metric == m.metric) return m.label;
  return metric;
}

bool higher_is_better(const std::string& metric) { return metric == "throughput_rps"; }

std::string level_label(const json& l) {
  const double level = number(l, {"level"}).value_or(NAN);
  if (text(l, {"axis"}) == "connections") return fmt::format("{:g} connections", level);
  return fmt::format("{:g} req/s", level);
}

std::string count_text(double v) { return fmt::format("{:.0f}", v); }

std::string interval_cell(const json* o, const Formatter& f) {
  if (!o) return "-";
  auto med = number(*o, {"median"});
  if (!med) return "-";
  auto lo = number(*o, {"ci_low"}), hi = number(*o, {"ci_high"});
  if (!lo || !hi) return f(*med);
  return fmt::format("{} [{}, {}]", f(*med), f(*lo), f(*hi));
}

std::string change_text(const json& c, bool with_ci) {
  const bool significant = boolean(c, {"significant"}).value_or(false);
  if (!with_ci) return percent_text(number(c, {"delta_pct"}).value_or(NAN)) + (significant ? "" : "~");
  std::string s = (significant ? "" : "~ ") + percent_text(number(c, {"delta_pct"}).value_or(NAN));
  auto lo = number(c, {"ci_low_pct"}), hi = number(c, {"ci_high_pct"});
  if (with_ci && lo && hi) s += fmt::format(" [{}, {}]", percent_text(*lo), percent_text(*hi));
  return s;
}

Tone change_tone(const json& c) {
  auto d = number(c, {"delta_pct"});
  if (!boolean(c, {"significant"}).value_or(false) || !d) return Tone::kPlain;
  const double cost = higher_is_better(text(c, {"metric"})) ? -*d : *d;
  return cost > 0 ? Tone::kBad : Tone::kGood;
}

std::string points_text(double pct_points) {
  if (!std::isfinite(pct_points)) return "-";
  return fmt::format("{:+.2f} pts", pct_points);
}

}  // namespace tracebench::reports::sweep_report
