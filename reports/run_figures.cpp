#include "reports/run_figures.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "units/duration_text.h"
#include "units/number_text.h"
#include "units/whole_number.h"

namespace tracebench::reports::run_report {

using nlohmann::json;
using units::cpu_us_text;
using units::duration_ns_text;
using units::percent_text;
using units::rps_text;

namespace {

std::string gc_cycles_text(double v) { return fmt::format("{:.3g}", v); }

const MetricInfo* metric_info(const std::string& metric) {
  for (const auto& m : metrics())
    if (metric == m.metric) return &m;
  return nullptr;
}

}  // namespace

std::optional<Interval> interval_from(const result::Interval& i) {
  if (!i.median) return std::nullopt;
  return Interval{*i.median, i.ci_low, i.ci_high, units::int64_or(i.n.value_or(0), 0)};
}

const std::vector<MetricInfo>& metrics() {
  static const std::vector<MetricInfo> kMetrics = {
      {"throughput_rps", "throughput", &result::ModeView::throughput_rps, rps_text, true},
      {"latency_p50_ns", "p50 latency", &result::ModeView::latency_p50_ns, duration_ns_text, false},
      {"latency_p99_ns", "p99 latency", &result::ModeView::latency_p99_ns, duration_ns_text, false},
      {"latency_p999_ns", "p99.9 latency", &result::ModeView::latency_p999_ns, duration_ns_text, false},
      {"target_cpu_us_per_request", "target CPU per request", &result::ModeView::target_cpu_us_per_request,
       cpu_us_text, false},
      // Where the CPU went (the agent's runtime/metrics): rows only where the result has them.
      {"user_cpu_us_per_request", "runtime user CPU per request", &result::ModeView::user_cpu_us_per_request,
       cpu_us_text, false},
      {"gc_cpu_us_per_request", "GC CPU per request", &result::ModeView::gc_cpu_us_per_request, cpu_us_text, false},
      {"scavenge_cpu_us_per_request", "scavenger CPU per request", &result::ModeView::scavenge_cpu_us_per_request,
       cpu_us_text, false},
      {"gc_cycles_per_1k_requests", "GC cycles per 1000 requests", &result::ModeView::gc_cycles_per_1k_requests,
       gc_cycles_text, false},
      {"sched_latency_p50_ns", "p50 scheduler latency", &result::ModeView::sched_latency_p50_ns, duration_ns_text,
       false},
      {"sched_latency_p99_ns", "p99 scheduler latency", &result::ModeView::sched_latency_p99_ns, duration_ns_text,
       false},
  };
  return kMetrics;
}

std::string metric_label(const std::string& metric) {
  const MetricInfo* m = metric_info(metric);
  return m ? m->label : metric;
}

std::string interval_text(const Interval& i, const Formatter& f) {
  if (!i.low || !i.high) return "-";
  return fmt::format("[{}, {}]", f(*i.low), f(*i.high));
}

std::vector<Change> changes(const std::vector<result::ComparisonView>& rows) {
  std::vector<Change> out;
  for (const auto& row : rows) {
    Change c;
    c.mode = row.mode;
    c.metric = row.metric;
    c.breakdown = row.breakdown;
    c.delta = row.delta_pct;
    c.low = row.ci_low_pct;
    c.high = row.ci_high_pct;
    c.p_raw = row.p_value;
    c.p_adj = row.p_adjusted;
    c.n_base = units::int64_or(row.n_base.value_or(0), 0);
    c.n_mode = units::int64_or(row.n_mode.value_or(0), 0);
    c.significant = row.significant;
    c.higher_is_better = c.metric == "throughput_rps";
    c.bound_low = row.bound_low_pct;
    c.bound_high = row.bound_high_pct;
    out.push_back(c);
  }
  return out;
}

const Change* find_change(const std::vector<Change>& v, const std::string& mode, const std::string& metric) {
  for (const auto& c : v)
    if (c.mode == mode && c.metric == metric) return &c;
  return nullptr;
}

std::string change_text(const Change& c) {
  std::string s = c.significant ? "" : "~ ";
  s += percent_text(c.delta.value_or(NAN));
  if (c.low && c.high) s += fmt::format(" [{}, {}]", percent_text(*c.low), percent_text(*c.high));
  return s;
}

Tone change_tone(const Change& c) {
  if (!c.significant || !c.cost()) return Tone::kPlain;
  return *c.cost() > 0 ? Tone::kBad : Tone::kGood;
}

Tone budget_tone(std::optional<result::BudgetVerdict> verdict, Tone otherwise) {
  if (verdict == result::BudgetVerdict::kWithin) return Tone::kGood;
  if (verdict == result::BudgetVerdict::kOver) return Tone::kBad;
  return otherwise;
}

std::vector<std::string> mode_order(const result::RunResultView& run) {
  static const char* const kKnown[] = {"off", "trace", "flightrecorder"};
  std::vector<std::string> out;
  for (const char* m : kKnown)
    if (run.mode(m)) out.push_back(m);
  for (const auto& m : run.modes)
    if (std::find(out.begin(), out.end(), m.name) == out.end()) out.push_back(m.name);
  return out;
}

}  // namespace tracebench::reports::run_report
