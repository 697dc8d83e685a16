#include "reports/sweep_figures.h"

#include <fmt/core.h>

#include <cmath>

#include "units/duration_text.h"
#include "units/number_text.h"

namespace tracebench::reports::sweep_report {

using units::cpu_us_text;
using units::duration_ns_text;
using units::percent_text;
using units::rps_text;

const std::vector<MetricInfo>& metrics() {
  static const std::vector<MetricInfo> kMetrics = {
      {"throughput_rps", "throughput", rps_text, &result::LevelModeView::throughput_rps},
      {"latency_p50_ns", "p50 latency", duration_ns_text, &result::LevelModeView::latency_p50_ns},
      {"latency_p99_ns", "p99 latency", duration_ns_text, &result::LevelModeView::latency_p99_ns},
      {"latency_p999_ns", "p99.9 latency", duration_ns_text, &result::LevelModeView::latency_p999_ns},
      {"target_cpu_us_per_request", "target CPU per request", cpu_us_text,
       &result::LevelModeView::target_cpu_us_per_request},
  };
  return kMetrics;
}

std::string metric_label(const std::string& metric) {
  for (const auto& m : metrics())
    if (metric == m.metric) return m.label;
  return metric;
}

bool higher_is_better(const std::string& metric) { return metric == "throughput_rps"; }

std::string level_label(const result::SweepLevelView& l) {
  const double level = l.level.value_or(NAN);
  if (l.axis == "connections") return fmt::format("{:g} connections", level);
  return fmt::format("{:g} req/s", level);
}

std::string count_text(double v) { return fmt::format("{:.0f}", v); }

std::string interval_cell(const result::Interval& i, const Formatter& f) {
  const auto med = i.median;
  if (!med) return "-";
  const auto lo = i.ci_low, hi = i.ci_high;
  if (!lo || !hi) return f(*med);
  return fmt::format("{} [{}, {}]", f(*med), f(*lo), f(*hi));
}

std::string change_text(const result::LevelComparisonView& c, bool with_ci) {
  const bool significant = c.significant;
  if (!with_ci) return percent_text(c.delta_pct.value_or(NAN)) + (significant ? "" : "~");
  std::string s = (significant ? "" : "~ ") + percent_text(c.delta_pct.value_or(NAN));
  const auto lo = c.ci_low_pct, hi = c.ci_high_pct;
  if (with_ci && lo && hi) s += fmt::format(" [{}, {}]", percent_text(*lo), percent_text(*hi));
  return s;
}

Tone change_tone(const result::LevelComparisonView& c) {
  const auto d = c.delta_pct;
  if (!c.significant || !d) return Tone::kPlain;
  const double cost = higher_is_better(c.metric) ? -*d : *d;
  return cost > 0 ? Tone::kBad : Tone::kGood;
}

std::string points_text(double pct_points) {
  if (!std::isfinite(pct_points)) return "-";
  return fmt::format("{:+.2f} pts", pct_points);
}

}  // namespace tracebench::reports::sweep_report
