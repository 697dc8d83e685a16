#pragma once
// The figures a run report shows, as its sections share them: a mode's median with its
// interval, the metrics compared against off with their labels and units, and each
// comparison as a change with its costly direction. Pure; never throw.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/document.h"
#include "result/run_result.h"
#include "result/verdicts.h"

namespace tracebench::reports::run_report {

struct Interval {
  double median = 0;
  std::optional<double> low, high;
  std::int64_t n = 0;
};

// A mode's interval as the report shows it; nullopt without a median.
std::optional<Interval> interval_from(const result::Interval& i);

using Formatter = std::function<std::string(double)>;

struct MetricInfo {
  const char* metric;  // comparisons[].metric
  const char* label;
  result::Interval result::ModeView::*interval;  // the mode's median with its CI
  Formatter format;
  bool higher_is_better;
};

// The compared metrics in report order: throughput, p50, p99, p99.9, target CPU per request,
// then the breakdown from the agent (runtime user, GC and scavenger CPU per request, GC
// cycles per 1000 requests, scheduler latency p50 and p99).
const std::vector<MetricInfo>& metrics();
// "p99 latency" for "latency_p99_ns"; an unknown metric reads as itself.
std::string metric_label(const std::string& metric);
// "[low, high]" in f's unit, "-" without both bounds.
std::string interval_text(const Interval& i, const Formatter& f);

// One comparisons[] (or noise_floor[]) row.
struct Change {
  std::string mode, metric;
  bool breakdown = false;  // of the breakdown family (where the cost went), not the overhead one
  std::optional<double> delta, low, high, p_raw, p_adj;
  std::int64_t n_base = 0, n_mode = 0;
  bool significant = false;
  bool higher_is_better = false;
  // One-sided 95% bounds, in results of blocked runs (absent in older ones).
  std::optional<double> bound_low, bound_high;
  // The largest cost the data allow: the upper bound of a rise, the lower one of a drop.
  std::optional<double> cost_bound() const {
    if (!bound_low || !bound_high) return std::nullopt;
    return higher_is_better ? -*bound_low : *bound_high;
  }
  // In the costly direction: throughput drop, latency and CPU rise.
  std::optional<double> cost() const { return delta ? std::optional(higher_is_better ? -*delta : *delta) : std::nullopt; }
  std::optional<double> cost_high() const {
    if (!low || !high) return std::nullopt;
    return higher_is_better ? -*low : *high;
  }
  std::optional<double> cost_low() const {
    if (!low || !high) return std::nullopt;
    return higher_is_better ? -*high : *low;
  }
};

std::vector<Change> changes(const std::vector<result::ComparisonView>& rows);
// The change of `mode` on `metric`, or nullptr.
const Change* find_change(const std::vector<Change>& v, const std::string& mode, const std::string& metric);
// "~ +4.0% [-1.2%, +9.3%]": "~" when not significant.
std::string change_text(const Change& c);
// A significant cost reads bad, a significant gain good, the rest plain.
Tone change_tone(const Change& c);

// Within reads good, over bad, and anything else (inconclusive, no verdict) `otherwise`.
Tone budget_tone(std::optional<result::BudgetVerdict> verdict, Tone otherwise);

// The result's modes in report order: off, trace, flightrecorder, then the others as written.
std::vector<std::string> mode_order(const result::RunResultView& run);

}  // namespace tracebench::reports::run_report
